// Independent CEA HMAC-SHA256 vectors for the Coupang adapter tests, computed with Node's crypto.
const crypto = require('crypto');
const secret = 'a1b2c3d4e5f6-test-secret-key-not-real';
const accessKey = 'test-access-key-0001';
function sign(signedDate, method, path, query) {
  const message = signedDate + method + path + query;
  return crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(message, 'utf8')).digest('hex');
}
const kw = '무선 이어폰';
const enc = encodeURIComponent(kw);
const cases = [
  { name: 'GET with query', method: 'GET', signedDate: '250301T091500Z', path: '/v2/providers/openapi/apis/api/v4/vendors/A00012345/ordersheets', query: 'createdAtFrom=2025-03-01&createdAtTo=2025-03-01&status=ACCEPT&maxPerPage=50' },
  { name: 'PUT without query', method: 'PUT', signedDate: '250301T091501Z', path: '/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/3000000123/quantities/25', query: '' },
  { name: 'GET with percent-encoded Korean query', method: 'GET', signedDate: '261121T000000Z', path: '/v2/providers/seller_api/apis/api/v1/marketplace/seller-products', query: 'vendorId=A00012345&sellerProductName=' + enc },
];
const vectors = cases.map(c => ({ ...c, signature: sign(c.signedDate, c.method, c.path, c.query) }));
const raw = { name: 'counter-example: signed over raw Korean text (must NOT match the encoded request)', method: 'GET', signedDate: '261121T000000Z', path: cases[2].path, query: 'vendorId=A00012345&sellerProductName=' + kw };
raw.signature = sign(raw.signedDate, raw.method, raw.path, raw.query);
console.log(JSON.stringify({
  note: 'Computed with Node ' + process.version + ' crypto.createHmac("sha256", secret).update(signedDate + method + path + query).digest("hex") by the script coupang.js kept next to this file; not by the adapter.',
  accessKey, secretKey: secret, vectors, rawKoreanCounterExample: raw,
}, null, 2));

// Independent client_secret_sign vectors for the Naver adapter tests, computed with the bcryptjs npm package.
const bcrypt = require('bcryptjs');
const pkg = require('bcryptjs/package.json');
const cases = [
  { name: 'canonical salt (last char in .Oeu)', clientId: 'aZ9sampleClientId01', clientSecret: '$2a$04$abcdefghijklmnopqrstuO', timestamp: '1764288000000' },
  { name: 'non-canonical last salt char', clientId: 'aZ9sampleClientId01', clientSecret: '$2a$04$abcdefghijklmnopqrstuv', timestamp: '1764288000000' },
  { name: 'realistic-looking secret', clientId: '4hZ7kq2LmN8pQ3rS5tU6vW', clientSecret: '$2a$04$JtVbRVvzHzYMQwt6QbWvbe', timestamp: '1735689600123' },
  { name: 'cost 05', clientId: 'client-two', clientSecret: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.', timestamp: '1700000000000' },
];
const vectors = cases.map(c => {
  const hashed = bcrypt.hashSync(c.clientId + '_' + c.timestamp, c.clientSecret);
  return { ...c, hashed, clientSecretSign: Buffer.from(hashed, 'utf8').toString('base64') };
});
console.log(JSON.stringify({
  note: 'Computed with bcryptjs ' + pkg.version + ' on Node ' + process.version + ': Buffer.from(bcrypt.hashSync(clientId + "_" + timestamp, clientSecret)).toString("base64"), by naver.js kept next to this file (npm install bcryptjs in a temp dir; not committed).',
  vectors,
}, null, 2));

namespace Orchestrator.Catalog;

/// <summary>
/// Identifies one listing on a sales channel: the thing whose quantity the channel shows and takes updates for.
/// </summary>
/// <remarks>
/// <para>Coupang: <see cref="Id"/> is the <c>vendorItemId</c>.</para>
/// <para>Naver SmartStore: <see cref="Id"/> is the origin product number and <see cref="Option"/> the option combination id (0 for a product without options).</para>
/// <para>Cafe24: <see cref="Id"/> is the <c>product_no</c> and <see cref="Code"/> the 12-character <c>variant_code</c>, which alone identifies the listing in a mall.</para>
/// </remarks>
/// <param name="Id">The channel's numeric id of the product or item.</param>
/// <param name="Option">The option id within the product, or 0.</param>
/// <param name="Code">A textual id that alone identifies the listing (Cafe24 <c>variant_code</c>), or <see langword="null"/>.</param>
public readonly record struct ListingKey(long Id, long Option = 0, string? Code = null)
{
    /// <summary>Creates the key of a Coupang vendor item.</summary>
    /// <param name="vendorItemId">The <c>vendorItemId</c>.</param>
    /// <returns>The key.</returns>
    public static ListingKey Coupang(long vendorItemId) => new(vendorItemId);

    /// <summary>Creates the key of a Naver SmartStore product option.</summary>
    /// <param name="originProductNo">The origin product number (the option-stock API takes the origin number, not the channel number).</param>
    /// <param name="optionCombinationId">The option combination id, or 0 for a product without options.</param>
    /// <returns>The key.</returns>
    public static ListingKey Naver(long originProductNo, long optionCombinationId = 0) => new(originProductNo, optionCombinationId);

    /// <summary>Creates the key of a Cafe24 product variant.</summary>
    /// <param name="productNo">The <c>product_no</c>.</param>
    /// <param name="variantCode">The <c>variant_code</c>.</param>
    /// <returns>The key.</returns>
    public static ListingKey Cafe24(long productNo, string variantCode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(variantCode);
        return new(productNo, 0, variantCode);
    }

    /// <inheritdoc />
    public override string ToString() => Code is null
        ? (Option == 0 ? Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : FormattableString.Invariant($"{Id}/{Option}"))
        : FormattableString.Invariant($"{Id}/{Code}");
}

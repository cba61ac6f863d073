using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Orchestrator.Dashboard.Internal;

/// <summary>Markup the dashboard wrote itself and trusts; everything else written to a page is HTML-encoded.</summary>
/// <param name="Value">The markup.</param>
internal readonly record struct Markup(string Value);

/// <summary>Builds a page. Every hole of an interpolated string is HTML-encoded unless it is <see cref="Markup"/>, so store data (SKU codes, notes) can never inject markup.</summary>
internal sealed class HtmlWriter
{
    public StringBuilder Builder { get; } = new(16 * 1024);

    public HtmlWriter Add([InterpolatedStringHandlerArgument("")] ref HtmlHandler html)
    {
        _ = html;
        return this;
    }

    public HtmlWriter Raw(Markup markup)
    {
        Builder.Append(markup.Value);
        return this;
    }

    public override string ToString() => Builder.ToString();

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);
}

/// <summary>Encodes every hole of an interpolated string; formats with the invariant culture.</summary>
[InterpolatedStringHandler]
internal ref struct HtmlHandler
{
    private readonly StringBuilder _builder;

    public HtmlHandler(int literalLength, int formattedCount, HtmlWriter writer)
    {
        _ = literalLength + formattedCount;
        _builder = writer.Builder;
    }

    public readonly void AppendLiteral(string value) => _builder.Append(value);

    public readonly void AppendFormatted(Markup markup) => _builder.Append(markup.Value);

    public readonly void AppendFormatted(string? value) => _builder.Append(HtmlWriter.Encode(value));

    public readonly void AppendFormatted<T>(T value) => _builder.Append(HtmlWriter.Encode(Convert.ToString(value, CultureInfo.InvariantCulture)));

    public readonly void AppendFormatted<T>(T value, string? format)
        where T : IFormattable
        => _builder.Append(HtmlWriter.Encode(value.ToString(format, CultureInfo.InvariantCulture)));
}

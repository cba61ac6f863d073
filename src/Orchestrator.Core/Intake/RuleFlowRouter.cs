using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Intake;

/// <summary>
/// Routes orders to flow A or B by configured rules on the order's source (channel), warehouse and fields: the first rule whose
/// conditions all hold decides; an order no rule matches goes to <see cref="FlowRoutingOptions.DefaultFlow"/>.
/// </summary>
/// <remarks>Thread-safe; the rules are copied and checked when the router is created.</remarks>
public sealed class RuleFlowRouter : IFlowRouter
{
    private readonly FlowRule[] _rules;
    private readonly FlowType _default;

    /// <summary>Initializes a new instance of the <see cref="RuleFlowRouter"/> class.</summary>
    /// <param name="options">The rules and the default flow.</param>
    /// <exception cref="ValidationException">A rule has no condition, or names a field without the values to compare it with.</exception>
    public RuleFlowRouter(FlowRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ValidationException(string.Join(" ", errors));
        }

        _rules = [.. options.Rules.Select(r => r with { })];
        _default = options.DefaultFlow;
    }

    /// <inheritdoc />
    public FlowType Route(SourceOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        foreach (var rule in _rules)
        {
            if (rule.Matches(order))
            {
                return rule.Flow;
            }
        }

        return _default;
    }
}

/// <summary>Configures <see cref="RuleFlowRouter"/>.</summary>
public sealed class FlowRoutingOptions
{
    /// <summary>Gets or sets the flow of an order no rule matches.</summary>
    /// <value>Defaults to <see cref="FlowType.A"/>.</value>
    public FlowType DefaultFlow { get; set; } = FlowType.A;

    /// <summary>Gets the rules, tried in order; the first that matches decides.</summary>
    public IList<FlowRule> Rules { get; } = [];

    /// <summary>Checks the rules.</summary>
    /// <returns>One message per problem; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            if (rule is null)
            {
                errors.Add($"Flow rule {i} is empty.");
                continue;
            }

            if (rule.Source is null && rule.WarehouseId is null && rule.Field is null)
            {
                errors.Add($"Flow rule {i} has no condition: set Source, WarehouseId or Field (a rule for every order is DefaultFlow).");
            }

            if (rule.Field is not null && (rule.Values is null || rule.Values.Count == 0))
            {
                errors.Add($"Flow rule {i} names the field '{rule.Field}' but no Values to compare it with.");
            }

            if (rule.Field is null && rule.Values is { Count: > 0 })
            {
                errors.Add($"Flow rule {i} has Values but no Field.");
            }

            if (!Enum.IsDefined(rule.Flow))
            {
                errors.Add($"Flow rule {i} names an unknown flow.");
            }
        }

        return errors;
    }
}

/// <summary>One routing rule: every condition that is set must hold (comparisons are ordinal and case-sensitive).</summary>
public sealed record FlowRule
{
    /// <summary>Gets the order source (channel instance) the rule applies to, or <see langword="null"/> for any.</summary>
    public string? Source { get; init; }

    /// <summary>Gets the warehouse the rule applies to, or <see langword="null"/> for any.</summary>
    public string? WarehouseId { get; init; }

    /// <summary>Gets the order field (a key of <see cref="SourceOrder.Attributes"/>, or <c>Status</c>) to compare, or <see langword="null"/>.</summary>
    public string? Field { get; init; }

    /// <summary>Gets the values of <see cref="Field"/> that match; any one of them will do.</summary>
    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>Gets the flow of a matching order.</summary>
    public FlowType Flow { get; init; }

    internal bool Matches(SourceOrder order)
    {
        if (Source is not null && !string.Equals(Source, order.Source, StringComparison.Ordinal))
        {
            return false;
        }

        if (WarehouseId is not null && !string.Equals(WarehouseId, order.WarehouseId, StringComparison.Ordinal))
        {
            return false;
        }

        if (Field is null)
        {
            return true;
        }

        string? value = string.Equals(Field, nameof(SourceOrder.Status), StringComparison.Ordinal) ? order.Status
            : order.Attributes is not null && order.Attributes.TryGetValue(Field, out var v) ? v : null;
        return value is not null && Values!.Contains(value, StringComparer.Ordinal);
    }
}

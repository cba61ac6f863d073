using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Orchestrator.Intake;

namespace Orchestrator.Tests.Intake;

public sealed class RuleFlowRouterTests
{
    private static SourceOrder Order(string source = "coupang", string? warehouse = "WH1", string status = "ACCEPT", Dictionary<string, string>? attributes = null) =>
        new(source, "o-1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, status, warehouse, [new OrderLine("SKU-1", 1)], attributes);

    [Fact]
    public void Route_NoRuleMatches_GoesToTheDefaultFlow()
    {
        var options = new FlowRoutingOptions { DefaultFlow = FlowType.B };
        options.Rules.Add(new FlowRule { Source = "naver", Flow = FlowType.A });

        Assert.Equal(FlowType.B, new RuleFlowRouter(options).Route(Order()));
    }

    [Fact]
    public void Route_FirstMatchingRuleDecides_WhenSeveralMatch()
    {
        var options = new FlowRoutingOptions();
        options.Rules.Add(new FlowRule { Source = "coupang", WarehouseId = "WH2", Flow = FlowType.A });
        options.Rules.Add(new FlowRule { Source = "coupang", Flow = FlowType.B });
        options.Rules.Add(new FlowRule { WarehouseId = "WH1", Flow = FlowType.A });
        var router = new RuleFlowRouter(options);

        Assert.Equal(FlowType.B, router.Route(Order(warehouse: "WH1")));
        Assert.Equal(FlowType.A, router.Route(Order(warehouse: "WH2")));
        Assert.Equal(FlowType.A, router.Route(Order(source: "cafe24", warehouse: "WH1")));
    }

    [Fact]
    public void Route_ByOrderField_MatchesAttributeOrStatusAgainstAnyValue()
    {
        var options = new FlowRoutingOptions();
        options.Rules.Add(new FlowRule { Field = "deliveryType", Values = ["DAWN", "SAME_DAY"], Flow = FlowType.B });
        options.Rules.Add(new FlowRule { Field = "Status", Values = ["PAYED"], Flow = FlowType.B });
        var router = new RuleFlowRouter(options);

        Assert.Equal(FlowType.B, router.Route(Order(attributes: new() { ["deliveryType"] = "SAME_DAY" })));
        Assert.Equal(FlowType.A, router.Route(Order(attributes: new() { ["deliveryType"] = "NORMAL" })));
        Assert.Equal(FlowType.A, router.Route(Order()));
        Assert.Equal(FlowType.B, router.Route(Order(status: "PAYED")));
    }

    [Fact]
    public void Constructor_RuleWithoutConditionOrValues_IsRefusedWithTheRuleNamed()
    {
        var options = new FlowRoutingOptions();
        options.Rules.Add(new FlowRule { Flow = FlowType.B });
        options.Rules.Add(new FlowRule { Field = "channel", Flow = FlowType.B });

        var error = Assert.Throws<ValidationException>(() => new RuleFlowRouter(options));

        Assert.Contains("Flow rule 0 has no condition", error.Message, StringComparison.Ordinal);
        Assert.Contains("Flow rule 1 names the field 'channel'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_BindFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DefaultFlow"] = "B",
            ["Rules:0:Source"] = "coupang",
            ["Rules:0:Flow"] = "A",
            ["Rules:1:Field"] = "deliveryType",
            ["Rules:1:Values:0"] = "DAWN",
            ["Rules:1:Flow"] = "A",
        }).Build();
        var options = new FlowRoutingOptions();
        configuration.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        var router = new RuleFlowRouter(options);

        Assert.Equal(FlowType.A, router.Route(Order()));
        Assert.Equal(FlowType.A, router.Route(Order(source: "naver", attributes: new() { ["deliveryType"] = "DAWN" })));
        Assert.Equal(FlowType.B, router.Route(Order(source: "naver")));
    }
}

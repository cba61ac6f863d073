using System.Reflection;
using Orchestrator.TestUtilities;

namespace Orchestrator.Tests;

/// <summary>
/// Holds the public surface of Orchestrator.Core against an approved file, so adding or changing a public member is a visible
/// step in review (PublicApiAnalyzers is not in our registry copy).
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesApprovedFile()
    {
        var assembly = typeof(OrchestratorException).Assembly;
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add($"{Kind(type)} {type.FullName}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = type.GetMembers(flags)
                .Where(m => m is not MethodInfo { IsSpecialName: true })
                .Where(m => !type.IsEnum || m is FieldInfo { IsLiteral: true })
                .Select(Describe)
                .Where(s => s.Length > 0)
                .OrderBy(s => s, StringComparer.Ordinal);
            lines.AddRange(members.Select(m => "  " + m));
        }

        Approved.Verify(string.Join('\n', lines), "Orchestrator.Core.PublicApi");
    }

    private static string Kind(Type t) =>
        t.IsInterface ? "interface" : t.IsEnum ? "enum" : t.IsValueType ? "struct" : t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";

    private static string Describe(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m when m.Name is "<Clone>$" or "Deconstruct" or "Equals" or "GetHashCode" or "ToString" or "PrintMembers" => string.Empty,
        MethodInfo m => $"{(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : string.Empty)}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? "init; " : "set; ") : string.Empty)}}}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {e.Name}",
        Type nested => $"nested {nested.Name}",
        _ => member.Name,
    };

    private static string Parameters(MethodBase method) => string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}"));

    private static string Name(Type type)
    {
        if (type.IsGenericType)
        {
            var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
            return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
        }

        return type.IsByRef ? Name(type.GetElementType()!) + "&" : type.Name;
    }
}

using System.Reflection;
using System.Text;

namespace Orchestrator.Channels.Tests;

/// <summary>Renders the public surface of an assembly (types and members, one per line, sorted) for an approved-file test.</summary>
internal static class PublicApi
{
    public static string Render(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            lines.Add($"{Kind(type)} {type.FullName}");
            const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(Flags))
            {
                if (member is MethodInfo { IsSpecialName: true })
                {
                    continue;
                }

                lines.Add($"  {type.FullName}::{Describe(member)}");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return new StringBuilder().AppendJoin('\n', lines).ToString();
    }

    private static string Kind(Type type) => type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";

    private static string Describe(MemberInfo member) => member switch
    {
        MethodInfo m => $"{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))}) : {m.ReturnType.Name}",
        ConstructorInfo c => $".ctor({string.Join(", ", c.GetParameters().Select(p => p.ParameterType.Name))})",
        PropertyInfo p => $"{p.Name} : {p.PropertyType.Name}",
        FieldInfo f => $"{f.Name} : {f.FieldType.Name}",
        EventInfo e => $"event {e.Name} : {e.EventHandlerType?.Name}",
        _ => member.Name,
    };
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Orchestrator.Alerts;

namespace Orchestrator.Notifications.Internal;

/// <summary>One Slack message: its JSON body and how many alerts it carries.</summary>
internal sealed record SlackMessage(byte[] Body, int AlertCount);

/// <summary>
/// Packs alerts into as few Block Kit messages as Slack allows: alerts are grouped by severity and kind, each message has a
/// header, up to <see cref="MaxSections"/> section blocks of at most <see cref="MaxSectionChars"/> characters, and a context
/// block, so never more than <see cref="MaxBlocks"/> blocks.
/// </summary>
internal static class SlackMessageComposer
{
    /// <summary>Block Kit's limit of blocks per message (https://docs.slack.dev/reference/block-kit/blocks).</summary>
    public const int MaxBlocks = 50;

    /// <summary>Block Kit's limit of a section's text (https://api.slack.com/reference/block-kit/blocks#section).</summary>
    public const int MaxSectionChars = 3000;

    /// <summary>Block Kit's limit of a header's plain text.</summary>
    public const int MaxHeaderChars = 150;

    public const int MaxSections = MaxBlocks - 2;

    /// <summary>A single alert line is cut here so that one noisy alert cannot take a whole section.</summary>
    public const int MaxLineChars = 500;

    public static List<SlackMessage> Compose(IReadOnlyList<Alert> alerts, int maxAlertsPerMessage, Uri? dashboardUrl, DateTimeOffset now)
    {
        var messages = new List<SlackMessage>();
        var groups = alerts
            .GroupBy(a => (a.Severity, a.Kind))
            .OrderByDescending(g => g.Key.Severity)
            .ThenBy(g => g.Key.Kind);
        foreach (var group in groups)
        {
            var items = group.ToList();
            var chunks = Chunk(items, maxAlertsPerMessage);
            for (var i = 0; i < chunks.Count; i++)
            {
                messages.Add(Write(group.Key.Severity, group.Key.Kind, items.Count, chunks[i], i + 1, chunks.Count, dashboardUrl, now));
            }
        }

        return messages;
    }

    /// <summary>Splits alerts into messages by count and by the block and character limits.</summary>
    private static List<List<List<string>>> Chunk(List<Alert> items, int maxAlertsPerMessage)
    {
        var result = new List<List<List<string>>>();
        List<List<string>>? sections = null;
        List<string>? section = null;
        int sectionChars = 0, inMessage = 0;
        foreach (var alert in items)
        {
            var line = Line(alert);
            if (sections is null || inMessage == maxAlertsPerMessage)
            {
                sections = [];
                result.Add(sections);
                section = null;
                inMessage = 0;
            }

            if (section is null || sectionChars + line.Length + 1 > MaxSectionChars)
            {
                if (sections.Count == MaxSections)
                {
                    sections = [];
                    result.Add(sections);
                    inMessage = 0;
                }

                section = [];
                sections.Add(section);
                sectionChars = 0;
            }

            section.Add(line);
            sectionChars += line.Length + 1;
            inMessage++;
        }

        return result;
    }

    private static string Line(Alert alert)
    {
        var sb = new StringBuilder(128);
        sb.Append("• *").Append(AlertText.EscapeMrkdwn(alert.Title)).Append('*');
        if (!string.IsNullOrWhiteSpace(alert.Message))
        {
            sb.Append(" — ").Append(AlertText.EscapeMrkdwn(alert.Message));
        }

        var subject = AlertText.Subject(alert);
        if (subject.Length > 0)
        {
            sb.Append(" (").Append(AlertText.EscapeMrkdwn(subject)).Append(')');
        }

        return AlertText.Truncate(sb.ToString(), MaxLineChars);
    }

    private static SlackMessage Write(AlertSeverity severity, AlertKind kind, int total, List<List<string>> sections, int part, int parts, Uri? dashboardUrl, DateTimeOffset now)
    {
        var count = sections.Sum(s => s.Count);
        var icon = severity switch
        {
            AlertSeverity.High => ":red_circle:",
            AlertSeverity.Medium => ":large_orange_circle:",
            _ => ":large_blue_circle:",
        };
        var title = $"{AlertText.SeverityLabel(severity)} · {AlertText.KindLabel(kind)} ({AlertText.Count(total)})";
        if (parts > 1)
        {
            title += string.Create(CultureInfo.InvariantCulture, $" {part}/{parts}");
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();

            // The text is the notification fallback; with blocks present Slack shows the blocks.
            json.WriteString("text", $"{icon} {title}");
            json.WriteStartArray("blocks");

            json.WriteStartObject();
            json.WriteString("type", "header");
            json.WriteStartObject("text");
            json.WriteString("type", "plain_text");
            json.WriteString("text", AlertText.Truncate(title, MaxHeaderChars));
            json.WriteEndObject();
            json.WriteEndObject();

            foreach (var section in sections)
            {
                json.WriteStartObject();
                json.WriteString("type", "section");
                json.WriteStartObject("text");
                json.WriteString("type", "mrkdwn");
                json.WriteString("text", string.Join('\n', section));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteStartObject();
            json.WriteString("type", "context");
            json.WriteStartArray("elements");
            json.WriteStartObject();
            json.WriteString("type", "mrkdwn");
            var context = string.Create(CultureInfo.InvariantCulture, $"{icon} Orchestrator · {count} of {total} · {now:yyyy-MM-dd HH:mm} UTC");
            if (dashboardUrl is not null)
            {
                context += $" · <{dashboardUrl.AbsoluteUri}|dashboard>";
            }

            json.WriteString("text", context);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return new SlackMessage(buffer.WrittenSpan.ToArray(), count);
    }
}

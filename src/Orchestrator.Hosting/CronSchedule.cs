using NCrontab;

namespace Orchestrator.Hosting;

/// <summary>A cron expression read in a time zone (NCrontab.Signed), giving the next occurrence as an instant.</summary>
/// <remarks>
/// The expression is evaluated on the zone's wall clock. A wall-clock time skipped by a daylight-saving jump is moved forward by the
/// jump; a time that occurs twice fires once, at its first occurrence.
/// </remarks>
public sealed class CronSchedule
{
    private readonly CrontabSchedule _schedule;

    private CronSchedule(CrontabSchedule schedule, TimeZoneInfo zone, string expression)
    {
        _schedule = schedule;
        TimeZone = zone;
        Expression = expression;
    }

    /// <summary>Gets the expression.</summary>
    public string Expression { get; }

    /// <summary>Gets the time zone.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Parses an expression of five fields (minute hour day month weekday) or six (seconds first).</summary>
    /// <param name="expression">The expression, for example <c>*/10 * * * *</c>.</param>
    /// <param name="timeZone">An IANA or Windows time zone id, for example <c>Asia/Seoul</c>.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="FormatException">The expression is not valid cron or the time zone is unknown; the message says which.</exception>
    public static CronSchedule Parse(string expression, string timeZone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        ArgumentException.ThrowIfNullOrWhiteSpace(timeZone);
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var schedule = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 })
            ?? throw new FormatException($"'{expression}' is not a valid cron expression (five fields: minute hour day-of-month month day-of-week, or six with seconds first).");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone))
        {
            throw new FormatException($"Time zone '{timeZone}' is not known on this machine (use an IANA id such as Asia/Seoul).");
        }

        return new CronSchedule(schedule, zone, expression);
    }

    /// <summary>Gets the first occurrence strictly after an instant.</summary>
    /// <param name="after">The instant.</param>
    /// <returns>The next occurrence.</returns>
    public DateTimeOffset GetNextOccurrence(DateTimeOffset after)
    {
        // Evaluate on the zone's wall clock, then map back; a zone offset can change between two occurrences, so map each candidate.
        var local = TimeZoneInfo.ConvertTime(after, TimeZone);
        var wall = local.DateTime;
        while (true)
        {
            var next = _schedule.GetNextOccurrence(wall);
            if (TimeZone.IsInvalidTime(next))
            {
                // Skipped by a daylight-saving jump: fire when the clock jumps over it.
                var adjusted = next;
                while (TimeZone.IsInvalidTime(adjusted))
                {
                    adjusted = adjusted.AddMinutes(1);
                }

                var instant = new DateTimeOffset(adjusted, TimeZone.GetUtcOffset(adjusted));
                if (instant > after)
                {
                    return instant;
                }

                wall = next;
                continue;
            }

            // A wall-clock time that occurs twice (clocks set back) fires once, at its first occurrence: the larger offset is the earlier instant.
            var offset = TimeZone.IsAmbiguousTime(next) ? TimeZone.GetAmbiguousTimeOffsets(next).Max() : TimeZone.GetUtcOffset(next);
            var first = new DateTimeOffset(next, offset);
            if (first > after)
            {
                return first;
            }

            wall = next;
        }
    }
}

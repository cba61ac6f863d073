namespace Orchestrator.Hosting.Tests;

public sealed class CronScheduleTests
{
    [Fact]
    public void Default_schedule_fires_every_ten_minutes_on_the_Seoul_clock()
    {
        var options = new OrchestratorHostingOptions();
        var schedule = CronSchedule.Parse(options.ChannelSync.Cron, options.ChannelSync.TimeZone);

        // 2026-01-01 09:05 KST = 00:05 UTC.
        var next = schedule.GetNextOccurrence(new DateTimeOffset(2026, 1, 1, 0, 5, 0, TimeSpan.Zero));

        Assert.Equal("*/10 * * * *", options.ChannelSync.Cron);
        Assert.Equal("Asia/Seoul", options.ChannelSync.TimeZone);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 10, 0, TimeSpan.Zero), next);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 20, 0, TimeSpan.Zero), schedule.GetNextOccurrence(next));
    }

    [Fact]
    public void A_daily_time_is_read_in_the_schedule_zone_not_UTC()
    {
        var schedule = CronSchedule.Parse("0 3 * * *", "Asia/Seoul");

        // 09:00 KST on 1 January: the next 03:00 KST is on 2 January, 18:00 UTC on 1 January.
        var next = schedule.GetNextOccurrence(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 18, 0, 0, TimeSpan.Zero), next);
        Assert.Equal(TimeSpan.FromHours(9), next.ToOffset(TimeSpan.FromHours(9)).Offset);
    }

    [Fact]
    public void Next_occurrence_is_strictly_after_an_instant_on_a_tick()
    {
        var schedule = CronSchedule.Parse("*/10 * * * *", "Asia/Seoul");
        var tick = new DateTimeOffset(2026, 1, 1, 0, 10, 0, TimeSpan.Zero);

        Assert.Equal(tick.AddMinutes(10), schedule.GetNextOccurrence(tick));
    }

    [Fact]
    public void A_time_skipped_by_daylight_saving_fires_when_the_clock_jumps_over_it()
    {
        var schedule = CronSchedule.Parse("30 2 * * *", "America/New_York");

        // 8 March 2026: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist; it fires at 03:00 EDT = 07:00 UTC.
        var next = schedule.GetNextOccurrence(new DateTimeOffset(2026, 3, 8, 5, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void A_time_repeated_by_daylight_saving_fires_once()
    {
        var schedule = CronSchedule.Parse("30 1 * * *", "America/New_York");

        // 1 November 2026: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST); only the first fires.
        var first = schedule.GetNextOccurrence(new DateTimeOffset(2026, 11, 1, 4, 0, 0, TimeSpan.Zero));
        var second = schedule.GetNextOccurrence(first);

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero), first);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 6, 30, 0, TimeSpan.Zero), second);
    }

    [Fact]
    public void Six_fields_take_seconds_first()
    {
        var schedule = CronSchedule.Parse("*/30 * * * * *", "UTC");

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero), schedule.GetNextOccurrence(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("*/10 * * *", "Asia/Seoul", "not a valid cron expression")]
    [InlineData("61 * * * *", "Asia/Seoul", "not a valid cron expression")]
    [InlineData("*/10 * * * *", "Mars/Olympus", "Time zone 'Mars/Olympus' is not known")]
    public void Parse_refuses_bad_input_with_a_clear_message(string cron, string zone, string expected)
    {
        var error = Assert.Throws<FormatException>(() => CronSchedule.Parse(cron, zone));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

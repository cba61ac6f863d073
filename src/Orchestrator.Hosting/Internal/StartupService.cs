using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Catalog;
using Orchestrator.Storage;
using Orchestrator.Warehouse;

namespace Orchestrator.Hosting.Internal;

/// <summary>Runs the packages' start-up tasks (open and migrate the store), checks the registrations, then lets the jobs start.</summary>
internal sealed class StartupService(OrchestratorRuntime runtime, ServiceRegistry registry, IEnumerable<IOrchestratorStartupTask> tasks) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            CheckRegistrations();
            foreach (var task in tasks)
            {
                await task.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            runtime.MarkStarted();
            Log.HostStarted(runtime.Logger, runtime.Options.WarehouseId, string.Join(", ", runtime.Monitor.GetJobs().Select(j => j.Name)));
        }
        catch (Exception ex)
        {
            runtime.MarkFailed(ex);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void CheckRegistrations()
    {
        var missing = new List<string>();
        if (!registry.Has(typeof(IJobLockStore)))
        {
            missing.Add("a store: call .UseSqlite(…) or .UsePostgreSql(…)");
        }

        var o = runtime.Options;
        if ((o.ChannelSync.Enabled || o.Reconciliation.Enabled) && !registry.Has(typeof(IWesClient)))
        {
            missing.Add("a WES client: call .AddWes(…) (or disable ChannelSync and Reconciliation)");
        }

        if (o.ChannelSync.Enabled && !registry.Has(typeof(IListingCatalogSource)))
        {
            missing.Add("the channel listings: call .UseListingsCsv(path) or .UseListings(…) (or disable ChannelSync)");
        }

        if (o.ChannelSync.Enabled && runtime.Channels().Count == 0)
        {
            missing.Add("at least one channel: call .AddCoupang(…), .AddNaver(…) or .AddCafe24(…) (or disable ChannelSync)");
        }

        if (missing.Count > 0)
        {
            throw new OptionsValidationException("Orchestrator", typeof(OrchestratorHostingOptions), [.. missing.Select(m => "The orchestrator needs " + m + ".")]);
        }
    }
}

/// <summary>Validates <see cref="OrchestratorHostingOptions"/> and the workflow options inside it, schedules included.</summary>
internal sealed class OrchestratorHostingOptionsValidator : IValidateOptions<OrchestratorHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, OrchestratorHostingOptions options)
    {
        var errors = new List<string>();
        Check(options, "Orchestrator", errors);
        Check(options.ChannelSyncWorkflow, "Orchestrator:ChannelSyncWorkflow", errors);
        Check(options.IncrementalChannelSync, "Orchestrator:IncrementalChannelSync", errors);
        Check(options.IncrementalChannelSyncWorkflow, "Orchestrator:IncrementalChannelSyncWorkflow", errors);
        Check(options.IncrementalReconciliation, "Orchestrator:IncrementalReconciliation", errors);
        Check(options.ReconciliationWorkflow, "Orchestrator:ReconciliationWorkflow", errors);
        Check(options.PendingSyncWorker, "Orchestrator:PendingSyncWorker", errors);
        Check(options.Intake, "Orchestrator:Intake", errors);
        Check(options.OrderTasks, "Orchestrator:OrderTasks", errors);
        foreach (var (channel, rule) in options.ChannelRules)
        {
            Check(rule, $"Orchestrator:ChannelRules:{channel}", errors);
        }

        foreach (var (key, schedule) in new[] { ("ChannelSync", options.ChannelSync), ("Reconciliation", options.Reconciliation) })
        {
            if (schedule is null)
            {
                continue;
            }

            try
            {
                CronSchedule.Parse(schedule.Cron, schedule.TimeZone);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                errors.Add($"Orchestrator:{key}: {ex.Message}");
            }
        }

        errors.AddRange(options.FlowRouting.Validate().Select(e => "Orchestrator:FlowRouting: " + e));
        if (options.PendingSyncWorker.RetryMaxDelay < options.PendingSyncWorker.RetryBaseDelay)
        {
            errors.Add("Orchestrator:PendingSyncWorker: RetryMaxDelay must be at least RetryBaseDelay.");
        }

        if (options.IncrementalChannelSync is { Enabled: true } incremental && options.IncrementalChannelSyncWorkflow is { } workflow
            && workflow.MaxWatermarkAge <= incremental.Interval)
        {
            errors.Add("Orchestrator:IncrementalChannelSyncWorkflow: MaxWatermarkAge must be longer than IncrementalChannelSync:Interval, or every incremental run is a full run.");
        }

        if (options.ReconciliationWorkflow.MovementWindow <= TimeSpan.Zero)
        {
            errors.Add("Orchestrator:ReconciliationWorkflow: MovementWindow must be longer than zero.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(object? value, string path, List<string> errors)
    {
        if (value is null)
        {
            errors.Add($"{path} is required.");
            return;
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => $"{path}: {r.ErrorMessage}"));
        }
    }
}

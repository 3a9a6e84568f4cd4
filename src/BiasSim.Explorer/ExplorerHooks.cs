using BiasSim.Core.Diagnosands;
using BiasSim.Core.Scenarios;

namespace BiasSim.Explorer;

/// <summary>
/// What the explorer takes from the CLI, passed in because the CLI references the explorer and not the other way:
/// the scenario loader with its error placement, the diagnosands.csv columns and their formatting, and the plain words
/// (Verdicts). Each is the CLI's own code, so the page can never word or format a number differently from <c>biassim run</c>.
/// </summary>
/// <param name="Load">Scenario text, file name and overrides to a scenario or errors (the CLI's guarded loader).</param>
/// <param name="Columns">The diagnosands.csv header, in order.</param>
/// <param name="Cells">A row's diagnosands.csv cells, aligned with <paramref name="Columns"/>.</param>
/// <param name="RowSentence">What 100 audits would conclude for one row, in plain words (null where no sentence applies).</param>
/// <param name="PlainWords">The run's findings, as the console prints them.</param>
/// <param name="Verdict">The one-line verdict for the whole scenario.</param>
/// <param name="PrimaryRows">The rows of the audit the plain words describe (the power curve follows them).</param>
/// <param name="Per100">A judged row's outcomes as whole audits out of 100, adding up to 100.</param>
public sealed record ExplorerHooks(
    Func<string, string, IReadOnlyList<ScenarioOverride>, ScenarioLoadResult> Load,
    IReadOnlyList<string> Columns,
    Func<DiagnosandRow, IReadOnlyList<string>> Cells,
    Func<DiagnosandRow, Scenario, double, string?> RowSentence,
    Func<Scenario, IReadOnlyList<DiagnosandRow>, double, IReadOnlyList<string>> PlainWords,
    Func<IReadOnlyList<DiagnosandRow>, string> Verdict,
    Func<IReadOnlyList<DiagnosandRow>, IReadOnlyList<DiagnosandRow>> PrimaryRows,
    Func<DiagnosandRow, IReadOnlyDictionary<AuditOutcome, int>> Per100);

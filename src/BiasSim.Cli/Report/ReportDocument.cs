using BiasSim.Cli.Plots;

namespace BiasSim.Cli.Report;

/// <summary>A table for the report: the first column names the row (a row header).</summary>
internal sealed record ReportTable(string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A term and its plain-language description.</summary>
internal sealed record ReportItem(string Term, string Text);

/// <summary>
/// What a report says, independent of its format: <see cref="HtmlReport"/> and <see cref="MarkdownReport"/> render the same
/// document. All text is plain (unescaped); the renderers escape it.
/// </summary>
internal sealed record ReportDocument
{
    public required string ScenarioName { get; init; }
    public required string Description { get; init; }
    /// <summary>"run", "sweep", "mdrr" or "detect" (a single analysis of observed data).</summary>
    public required string Kind { get; init; }

    /// <summary>What kind of report this is, in words.</summary>
    public string KindInWords => Kind switch { "sweep" => "sweep", "mdrr" => "minimum detectable rate ratio", "detect" => "data audit", _ => "simulation" };
    /// <summary>The one sentence a reader should take away.</summary>
    public required string Headline { get; init; }
    public IReadOnlyList<string> Findings { get; init; } = [];
    /// <summary>Caveats and warnings, in plain words.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    public IReadOnlyList<ReportItem> Assumptions { get; init; } = [];
    public IReadOnlyList<ReportTable> Tables { get; init; } = [];
    /// <summary>How to read the tables.</summary>
    public string TableNote { get; init; } = "";
    public IReadOnlyList<RenderedPlot> Plots { get; init; } = [];
    /// <summary>Why there are no plots, when there are none.</summary>
    public string? PlotsNote { get; init; }
    public IReadOnlyList<ReportItem> Reproducibility { get; init; } = [];
    public string? RerunCommand { get; init; }
    public string? ScenarioText { get; init; }
    public required string Generator { get; init; }
}

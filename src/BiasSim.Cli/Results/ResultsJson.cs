using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BiasSim.Cli.Output;
using BiasSim.Core.Diagnosands;

namespace BiasSim.Cli.Results;

/// <summary>
/// The JSON of every summary.json, source-generated (no reflection: fast to start and safe under native AOT). Indented
/// with two spaces and ending in a newline, as BiasSim has always written them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(DiagnosandRowConverter)])]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(SweepSummary))]
[JsonSerializable(typeof(MdrrSummary))]
[JsonSerializable(typeof(MdrrGridSummary))]
[JsonSerializable(typeof(DetectSummary))]
[JsonSerializable(typeof(CompareSummary))]
internal sealed partial class ResultsJson : JsonSerializerContext
{
    /// <summary>The value of <c>tool</c> in every BiasSim summary.json.</summary>
    public const string Tool = "biassim";

    public static string Serialize<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Serialize(value, type) + "\n";
}

/// <summary>A diagnosand row as a JSON object: the columns of <see cref="DiagnosandColumns"/> in order (the CSV's names),
/// then <c>not_estimable_reasons</c> when any replicate was not estimable and <c>estimate_histogram</c> when there is one.</summary>
internal sealed class DiagnosandRowConverter : JsonConverter<DiagnosandRow>
{
    private static readonly (string Name, Func<DiagnosandRow, long> Get, Func<DiagnosandRow, long, DiagnosandRow> Set)[] Reasons =
    [
        ("zero count", r => r.NotEstimableZeroCount, (r, n) => r with { NotEstimableZeroCount = n }),
        ("singular matrix", r => r.NotEstimableSingularMatrix, (r, n) => r with { NotEstimableSingularMatrix = n }),
        ("negative corrected count", r => r.NotEstimableNegativeCorrection, (r, n) => r with { NotEstimableNegativeCorrection = n }),
        ("nothing recorded", r => r.NotEstimableNoData, (r, n) => r with { NotEstimableNoData = n }),
    ];

    public override void Write(Utf8JsonWriter w, DiagnosandRow row, JsonSerializerOptions options)
    {
        w.WriteStartObject();
        foreach (DiagnosandColumns.Column column in DiagnosandColumns.All)
        {
            switch (column.Value(row))
            {
                case null: w.WriteNull(column.Name); break;
                case double d: w.WriteNumber(column.Name, d); break;
                case long l: w.WriteNumber(column.Name, l); break;
                case bool b: w.WriteBoolean(column.Name, b); break;
                case object o: w.WriteString(column.Name, DiagnosandColumns.Format(o)); break;
            }
        }
        if (row.Estimable < row.Replicates)
        {
            w.WriteStartObject("not_estimable_reasons");
            foreach (var (name, get, _) in Reasons)
            {
                if (get(row) > 0) w.WriteNumber(name, get(row));
            }
            w.WriteEndObject();
        }
        if (row.Distribution is { } distribution)
        {
            w.WriteStartObject("estimate_histogram");
            w.WriteStartArray("bin_edges");
            foreach (double e in distribution.Edges) w.WriteNumberValue(e);
            w.WriteEndArray();
            w.WriteStartArray("counts");
            foreach (long c in distribution.Counts) w.WriteNumberValue(c);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    public override DiagnosandRow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        JsonElement row = document.RootElement;
        if (row.ValueKind != JsonValueKind.Object) throw new JsonException("a diagnosand row is not an object");
        DiagnosandRow result;
        try
        {
            result = DiagnosandColumns.Read(name => row.TryGetProperty(name, out JsonElement v) ? NumberOrText.Text(v) : null);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
        if (row.TryGetProperty("not_estimable_reasons", out JsonElement reasons) && reasons.ValueKind == JsonValueKind.Object)
        {
            foreach (var (name, _, set) in Reasons)
            {
                if (reasons.TryGetProperty(name, out JsonElement n) && n.TryGetInt64(out long count)) result = set(result, count);
            }
        }
        return row.TryGetProperty("estimate_histogram", out JsonElement h) ? result with { Distribution = Histogram(h) } : result;
    }

    /// <summary>Reads the optional <c>estimate_histogram</c>; null (no plot) when malformed.</summary>
    private static EstimateDistribution? Histogram(JsonElement h)
    {
        if (h.ValueKind != JsonValueKind.Object ||
            !h.TryGetProperty("bin_edges", out JsonElement e) || e.ValueKind != JsonValueKind.Array ||
            !h.TryGetProperty("counts", out JsonElement c) || c.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        if (e.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number) || c.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number)) return null;
        ImmutableArray<double> edges = [.. e.EnumerateArray().Select(x => x.GetDouble())];
        ImmutableArray<long> counts = [.. c.EnumerateArray().Select(x => x.TryGetInt64(out long n) ? n : -1)];
        bool valid = counts.Length >= 1 && edges.Length == counts.Length + 1 && counts.All(n => n >= 0) &&
                     edges.All(x => x > 0 && double.IsFinite(x)) && edges.Zip(edges.Skip(1)).All(t => t.First < t.Second);
        return valid ? new EstimateDistribution(edges, counts) : null;
    }
}

/// <summary><see cref="NamedNumbers"/> as a JSON object of numbers, keys in order.</summary>
internal sealed class NamedNumbersConverter : JsonConverter<NamedNumbers>
{
    public override void Write(Utf8JsonWriter w, NamedNumbers value, JsonSerializerOptions options)
    {
        w.WriteStartObject();
        foreach (var (name, number) in value.Items) w.WriteNumber(name, number);
        w.WriteEndObject();
    }

    public override NamedNumbers Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("expected an object of numbers");
        return new([.. document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number)
            .Select(p => KeyValuePair.Create(p.Name, p.Value.GetDouble()))]);
    }
}

/// <summary><see cref="NamedTexts"/> as a JSON object of strings, keys in order.</summary>
internal sealed class NamedTextsConverter : JsonConverter<NamedTexts>
{
    public override void Write(Utf8JsonWriter w, NamedTexts value, JsonSerializerOptions options)
    {
        w.WriteStartObject();
        foreach (var (name, text) in value.Items) w.WriteString(name, text);
        w.WriteEndObject();
    }

    public override NamedTexts Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        NumberOrText.ReadMap(ref reader);
}

/// <summary><see cref="NamedTexts"/> whose values are written as JSON numbers where they parse as finite numbers.</summary>
internal sealed class NumberOrTextMapConverter : JsonConverter<NamedTexts>
{
    public override void Write(Utf8JsonWriter w, NamedTexts value, JsonSerializerOptions options)
    {
        w.WriteStartObject();
        foreach (var (name, text) in value.Items)
        {
            w.WritePropertyName(name);
            NumberOrText.Write(w, text);
        }
        w.WriteEndObject();
    }

    public override NamedTexts Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        NumberOrText.ReadMap(ref reader);
}

/// <summary>A list of texts written as JSON numbers where they parse as finite numbers, else as strings.</summary>
internal sealed class NumberOrTextListConverter : JsonConverter<ImmutableArray<string>>
{
    public override void Write(Utf8JsonWriter w, ImmutableArray<string> value, JsonSerializerOptions options)
    {
        w.WriteStartArray();
        foreach (string text in value) NumberOrText.Write(w, text);
        w.WriteEndArray();
    }

    public override ImmutableArray<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Array) throw new JsonException("expected an array of values");
        return [.. document.RootElement.EnumerateArray().Select(NumberOrText.Text).OfType<string>()];
    }
}

/// <summary>A <c>detect</c> number: finite as a number, +infinity (an open upper bound) as "Infinity", anything else null.</summary>
internal sealed class DetectNumberConverter : JsonConverter<double?>
{
    public override bool HandleNull => true;

    public override void Write(Utf8JsonWriter w, double? value, JsonSerializerOptions options)
    {
        if (value is double d && double.IsFinite(d)) w.WriteNumberValue(d);
        else if (value is double inf && double.IsPositiveInfinity(inf)) w.WriteStringValue("Infinity");
        else w.WriteNullValue();
    }

    public override double? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.GetDouble(),
        JsonTokenType.String when reader.GetString() == "Infinity" => double.PositiveInfinity,
        _ => null,
    };
}

internal static class NumberOrText
{
    public static void Write(Utf8JsonWriter w, string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)) w.WriteNumberValue(d);
        else w.WriteStringValue(text);
    }

    /// <summary>A value as text, as a CSV cell holds it: a number as written (the shortest round-trip form), a string's value,
    /// true or false; null for anything else.</summary>
    public static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static NamedTexts ReadMap(ref Utf8JsonReader reader)
    {
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("expected an object of values");
        return new([.. document.RootElement.EnumerateObject().Where(p => Text(p.Value) is not null)
            .Select(p => KeyValuePair.Create(p.Name, Text(p.Value)!))]);
    }
}

/// <summary>Builds the <c>scenario</c> object of a run's summary.json once, as a JSON value.</summary>
internal static class JsonValues
{
    public static JsonElement Build(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) write(w);
        using JsonDocument document = JsonDocument.Parse(Encoding.UTF8.GetString(stream.ToArray()));
        return document.RootElement.Clone();
    }
}

using System.Text.Json;

namespace BiasSim.Cli.Tests;

/// <summary>Checks of an <c>elapsed_seconds</c> field that could fail: present, a finite number of seconds (not
/// milliseconds, not a timestamp), no more than the wall time the test itself measured around the command.</summary>
internal static class ElapsedSeconds
{
    /// <summary>The field is rounded to 3 decimals, so it may exceed the true time by up to half a millisecond.</summary>
    public const double Rounding = 0.0005;

    public static double AssertWithin(JsonElement parent, TimeSpan wall, string what)
    {
        Assert.True(parent.TryGetProperty("elapsed_seconds", out JsonElement field), $"{what}: no elapsed_seconds");
        Assert.Equal(JsonValueKind.Number, field.ValueKind);
        double seconds = field.GetDouble();
        Assert.True(double.IsFinite(seconds) && seconds >= 0, $"{what}: elapsed_seconds {seconds}");
        Assert.True(seconds <= wall.TotalSeconds + Rounding,
            FormattableString.Invariant($"{what}: elapsed_seconds {seconds} exceeds the {wall.TotalSeconds:F3} s the command took"));
        return seconds;
    }
}

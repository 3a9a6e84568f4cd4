using BiasSim.Core.Design;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests;

/// <summary>Scenario text builders shared by the tests.</summary>
internal static class TestScenarios
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BiasSim.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("BiasSim.sln not found above the test folder.");
        }
    }

    public const string Valid = """
        name: test
        description: a small valid scenario
        seed: 7
        population:
          reference: White
          groups:
            White: 1000000
            Black: 100000
            Asian: 200000
        referrals:
          total: 5000
          rate_ratios: {Black: 1.3}
        recording:
          missing: {mechanism: mcar, share: 0.5}
        detectors: [rate-ratio, chi-square]
        simulation: {replicates: 1000, alpha: 0.05}
        """;

    public static Scenario Load(string text)
    {
        ScenarioLoadResult result = ScenarioLoader.Load(text, "test.yaml");
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Scenario!;
    }

    /// <summary>A two-group base-rate scenario whose recorded counts are independent binomials,
    /// X_g ~ Bin(N_g, base_rate RR_g (1 - share)), so exact power can be enumerated.</summary>
    public static Scenario TwoGroupBaseRate(long nRef, long nGroup, double baseRate, double rr, double share, int replicates, ulong seed) =>
        Load(FormattableString.Invariant($"""
            name: two-group
            seed: {seed}
            population:
              reference: Ref
              groups: {"{"}Ref: {nRef}, G: {nGroup}{"}"}
            referrals:
              base_rate: {baseRate:R}
              rate_ratios: {"{"}G: {rr:R}{"}"}
            recording:
              missing: {"{"}mechanism: mcar, share: {share:R}{"}"}
            detectors: [rate-ratio]
            simulation: {"{"}replicates: {replicates}, alpha: 0.05{"}"}
            """));
}

using BiasSim.Core.Detectors;
using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Rescue;

/// <summary>misclassification-corrected with a validation subsample says how many matrix draws it could not pool.</summary>
public class ValidationDroppedDrawsTests
{
    private static readonly Population TwoGroups = new("White", [new PopulationGroup("White", 1_000_000), new PopulationGroup("Black", 100_000)]);

    private static DetectorOutcome Evaluate(long[] recorded, long[] validation, int draws)
    {
        var detector = new MisclassificationCorrectedDetector(new GroupComparison(TwoGroups, [1.0, 1.0], 0.05), [0, 1], draws);
        var o = new DetectorOutcome[1];
        detector.Evaluate(new RecordedCounts(recorded, 0) { Validation = validation, DetectionSeed = 77 }, o);
        return o[0];
    }

    [Fact]
    public void Draws_with_a_negative_corrected_count_are_counted()
    {
        // Recorded White 1000, Black 120; validated: White as White 40, White as Black 3, Black as Black 3. Officers record
        // about 7% of White as Black, so the 974 unvalidated White-recorded referrals push some 70 into the Black column,
        // and with a Black row drawn from Dirichlet(0.5, 3.5) some draws correct Black to below zero. An independent
        // Python simulation of the same posterior (20,000 draws) puts that share at 0.21, so of m = 200 draws about 42 are
        // dropped; the check allows 4 binomial SD (sqrt(200 x 0.21 x 0.79) = 5.8), i.e. 19 to 65.
        DetectorOutcome o = Evaluate([1000, 120], [40, 3, 0, 3], 200);
        Assert.True(o.Estimable);
        Assert.InRange(o.DroppedDraws, 19, 65);
    }

    [Fact]
    public void Nothing_is_dropped_when_every_record_is_validated()
    {
        // Recorded White 990, Black 130, every record validated (1000 self-defined White, 10 of them recorded Black; 120
        // Black): nothing is left to correct, t = (1000, 120) in every draw, so no draw can fail and RR = 0.0012/0.001 = 1.2.
        DetectorOutcome o = Evaluate([990, 130], [990, 10, 0, 120], 50);
        Assert.True(o.Estimable);
        Assert.Equal(1.2, o.Estimate, 12);
        Assert.Equal(0, o.DroppedDraws);
    }
}

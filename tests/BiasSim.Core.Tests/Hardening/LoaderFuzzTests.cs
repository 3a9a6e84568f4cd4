using BiasSim.Core.Scenarios;

namespace BiasSim.Core.Tests.Hardening;

/// <summary>
/// Property: whatever is done to a valid scenario, the loader returns either a scenario or clean errors (each with
/// a position and a message), never an exception. The mutations are seeded, so a failure reproduces from its case
/// number; a hand-rolled generator stands in for FsCheck (no shrinking, but each case prints its mutated text).
/// </summary>
public class LoaderFuzzTests
{
    private const int Cases = 4000;
    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ":", ": ", "- ", ",", "#", "&a ", "*a", "!!str ", "\"", "'", "|", ">", "\t", "\n", "  ",
        "0", "-1", "1e999", ".nan", "~", "null", "true", "\u00e9", "\u0000", "\uFEFF", "%YAML 1.2\n", "---\n",
        "mechanism", "mnar", "share_by_group", "target_share: 0.5", "regions:", "by: region", "detectors: [ipw]",
    ];

    public static TheoryData<int> Batches() => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(Batches))]
    public void Mutated_scenarios_load_or_fail_cleanly(int batch)
    {
        string[] seeds = [TestScenarios.Valid, File.ReadAllText(Path.Combine(TestScenarios.RepoRoot, "scenarios", "prevent-2015-2023.yaml")),
            File.ReadAllText(Path.Combine(TestScenarios.RepoRoot, "scenarios", "religion.yaml"))];
        for (int i = batch * Cases / 4; i < (batch + 1) * Cases / 4; i++)
        {
            var random = new Random(i);
            string text = seeds[i % seeds.Length];
            int mutations = 1 + random.Next(4);
            for (int m = 0; m < mutations; m++) text = Mutate(text, random);
            ScenarioLoadResult result;
            try
            {
                result = ScenarioLoader.Load(text, "fuzz.yaml");
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i}: the loader threw {e.GetType().Name}: {e.Message}\n--- text ---\n{text}");
                return;
            }
            Assert.True(result.Success ^ result.Errors.Count > 0, $"case {i}: a result must be a scenario or errors, not both or neither");
            foreach (ScenarioError e in result.Errors)
            {
                Assert.True(e.Line >= 1 && e.Column >= 1 && e.Message.Length > 0, $"case {i}: malformed error {e}");
            }
        }
    }

    private static string Mutate(string text, Random random)
    {
        if (text.Length == 0) return Tokens[random.Next(Tokens.Length)];
        int at = random.Next(text.Length);
        string[] lines = text.Split('\n');
        int line = random.Next(lines.Length);
        switch (random.Next(7))
        {
            case 0: return text.Remove(at, 1);
            case 1: return text.Insert(at, Tokens[random.Next(Tokens.Length)]);
            case 2: return text.Remove(at, 1).Insert(at, ((char)random.Next(32, 127)).ToString());
            case 3: return string.Join('\n', lines.Where((_, k) => k != line));
            case 4: return string.Join('\n', lines.Take(line + 1).Append(lines[line]).Concat(lines.Skip(line + 1)));
            case 5:
                int other = random.Next(lines.Length);
                (lines[line], lines[other]) = (lines[other], lines[line]);
                return string.Join('\n', lines);
            default:
                // Replace a number with something else of a similar look.
                string[] replacements = ["-5", "0", "1.5", "1e9", "abc", "", "[1]", "{a: 1}", "0.9999999999", "18446744073709551616"];
                var match = System.Text.RegularExpressions.Regex.Matches(text, @"\d+(\.\d+)?");
                if (match.Count == 0) return text;
                var pick = match[random.Next(match.Count)];
                return text.Remove(pick.Index, pick.Length).Insert(pick.Index, replacements[random.Next(replacements.Length)]);
        }
    }
}

using System.CommandLine;

namespace BiasSim.Cli.Commands;

/// <summary>
/// <c>biassim init [FILE]</c>: writes a commented starter scenario that validates and runs as it stands. Without FILE it
/// writes <c>scenario.yaml</c> in the current folder (what a student expects: a file to open and edit, as
/// <c>dotnet new</c> and <c>git init</c> leave files behind); <c>-</c> writes to standard output instead.
/// </summary>
internal static class InitCommand
{
    public const string DefaultFile = "scenario.yaml";

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string?>("file")
        {
            Description = $"Where to write the scenario (default {DefaultFile}; '-' writes to standard output)", Arity = ArgumentArity.ZeroOrOne,
        };
        var force = CommonOptions.Force("Overwrite FILE if it exists");
        var command = new Command("init", "Write a commented starter scenario (every choice explained) that validates and runs") { file, force };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file) ?? DefaultFile;
            if (path == "-")
            {
                stdout.Write(Starter("my-scenario"));
                return ExitCodes.Success;
            }
            if (Directory.Exists(path)) throw new UserInputException($"{path}: is a folder, expected a file name such as {DefaultFile}");
            if (File.Exists(path) && !parse.GetValue(force))
            {
                throw new UserInputException($"{path}: already exists, expected a new file name (or --force to overwrite it)");
            }
            try
            {
                AtomicFile.WriteAllText(path, Starter(NameFor(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{path}: cannot write there ({e.Message})");
            }
            stdout.WriteLine($"Wrote {path}: a starter scenario with every choice explained in its comments.");
            stdout.WriteLine($"Next: biassim validate {path}   then   biassim run {path}");
            stdout.WriteLine("Terms in the output: biassim explain (for example: biassim explain coverage)");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The scenario's name is the file's stem when that is a safe folder name (results go to out/NAME), else my-scenario.</summary>
    internal static string NameFor(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        bool safe = stem.Length is > 0 and <= 100 && stem.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && stem is not "." and not "..";
        return safe && stem != "scenario" ? stem : "my-scenario";
    }

    /// <summary>The starter text. Every figure names its source (shared/reference/README.md); assumptions say HYPOTHETICAL.</summary>
    internal static string Starter(string name) => $$"""
        # A BiasSim scenario: a made-up world where you KNOW the truth, so you can see whether an audit of
        # damaged data would find it. Edit any value, then:
        #   biassim validate THIS-FILE    checks it and shows each group's expected missing share
        #   biassim run THIS-FILE         simulates 10,000 audits and says how often they get it right
        #   biassim explain TERM          explains any word in the output (coverage, mcar, rate-ratio, ...)
        # Lines starting with # are comments. Indent with spaces, never tabs.

        # A short name: results go to out/<name>/. Letters, digits, '-', '_' and '.' only.
        name: {{name}}
        description: Census 2021 groups, Prevent's 51,204 referrals, a hypothetical over-referral of Black people, 64.7% of ethnicity missing at random.

        # The master seed: the same seed gives the same results, byte for byte. Optional (default 1).
        seed: 1

        population:
          # Rate ratios compare every group's referral rate with this group's.
          reference: White
          # The denominators: people in each self-defined group. Census 2021, England and Wales (ONS):
          # Asian 5,515,415 is the published count; White, Black, Mixed and Other are the published shares
          # (81.7%, 4.0%, 2.9%, 2.1%) x the total population 59,597,542.
          groups:
            White: 48691192
            Asian: 5515415
            Black: 2383902
            Mixed: 1728329
            Other: 1251548

        referrals:
          # Home Office Prevent statistics: 51,204 referrals in 2015/16-2022/23. Each simulated audit shares
          # them out among groups in proportion to census population x true rate ratio.
          # (Instead of total you may give base_rate: the chance one reference-group person is referred.)
          total: 51204
          # HYPOTHETICAL truth (nobody knows the real one): Black people are referred at 1.3 times the White
          # rate. Groups not listed are referred at the White rate (1.0): any flag for them is a false alarm.
          rate_ratios:
            Black: 1.3

        recording:
          # How the data get damaged. NPCC (via FOI): ethnicity was missing for 33,116 of the 51,204
          # referrals (64.7%). Here it goes missing COMPLETELY AT RANDOM (mcar), the kindest case: it
          # costs precision, not accuracy. Try instead (see docs/recording.md):
          #   {mechanism: mnar, share_by_group: {White: 0.6, Asian: 0.7, Black: 0.75, Mixed: 0.85, Other: 0.8}, target_share: 0.647}
          #   {mechanism: mnar, recording_ratio: {Black: 0.5}, target_share: 0.647}  (Black recorded half as often as White)
          missing: {mechanism: mcar, share: 0.647}
          # Officers rather than the person choosing the category (the Home Office: Prevent ethnicity is "as
          # recorded by the case officer"): remove the # from the next line.
          # misclassification: {matrix: officer-stop-search-2021}

        # How the audit looks for disproportionality (these two are the default; more in docs/detectors.md):
        #   rate-ratio: each group's recorded referral rate per census head over White's, with a 95% interval;
        #               "flagged" when the interval excludes 1.
        #   chi-square: one test of whether recorded referrals are spread across groups as the census is.
        detectors: [rate-ratio, chi-square]

        simulation:
          # How many audits to simulate (default 10,000: a detection rate's Monte Carlo error is then at
          # most 0.5 percentage points).
          replicates: 10000
          # The significance level of every test and interval (default 0.05: 95% intervals).
          alpha: 0.05

        """;
}

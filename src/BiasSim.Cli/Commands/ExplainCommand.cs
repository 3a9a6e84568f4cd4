using System.CommandLine;
using System.Text;

namespace BiasSim.Cli.Commands;

/// <summary><c>biassim explain [TERM]</c>: the glossary entry for a column, detector, mechanism or scenario key; without TERM, the list.</summary>
internal static class ExplainCommand
{
    private const int Width = 100;

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var term = new Argument<string?>("term")
        {
            Description = "A diagnosands.csv column, detector, missingness mechanism or scenario key (none: "
            + "list them all)", Arity = ArgumentArity.ZeroOrOne
        };
        var command = new Command("explain", "Explain a term of BiasSim's output or scenario files: a column (coverage), a detector (ipw), a "
            + "mechanism (mnar), a key (target_share)") { term };
        command.SetAction(parse =>
        {
            string? asked = parse.GetValue(term);
            if (string.IsNullOrWhiteSpace(asked))
            {
                stdout.Write(List());
                return ExitCodes.Success;
            }
            Glossary.Entry entry = Glossary.Find(asked) ?? throw new UserInputException(
                $"explain: unknown term '{asked}'{(Glossary.Suggest(asked) is string s ? $" (did you mean '{s}'?)" : "")}, expected a column, "
                    + $"detector, mechanism or key: 'biassim explain' lists them");
            stdout.Write(Render(entry));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string Render(Glossary.Entry entry)
    {
        var sb = new StringBuilder();
        sb.Append(entry.Term).Append(" (").Append(Glossary.KindLabel(entry.Kind)).Append(")\n");
        foreach (string line in Wrap(entry.Text, Width - 2)) sb.Append("  ").Append(line).Append('\n');
        if (entry.SeeAlso.Count > 0) sb.Append("  See also: ").Append(string.Join(", ", entry.SeeAlso)).Append('\n');
        return sb.ToString();
    }

    internal static string List()
    {
        var sb = new StringBuilder("Terms biassim explain knows (biassim explain TERM; case and -/_ do not matter):\n");
        foreach (var kind in Enum.GetValues<Glossary.Kind>())
        {
            sb.Append('\n').Append(Glossary.KindHeading(kind)).Append(":\n");
            string terms = string.Join(", ", Glossary.All.Where(e => e.Kind == kind).Select(e => e.Term));
            foreach (string line in Wrap(terms, Width - 2)) sb.Append("  ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }
}

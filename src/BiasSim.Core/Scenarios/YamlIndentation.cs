using System.Text.RegularExpressions;

namespace BiasSim.Core.Scenarios;

/// <summary>
/// Turns YamlDotNet's syntax errors about layout ("did not find expected key", "found invalid mapping", a tab reported at
/// 1:1) into the line a person has to fix and the indentation expected there. Run only after the parser has failed, on
/// the lines up to where it gave up, so a hint never contradicts a file the parser accepts. Best effort: block scalars
/// and brackets spanning lines are skipped; when nothing looks misaligned there is no hint and the parser's message stands.
/// </summary>
internal static partial class YamlIndentation
{
    /// <summary>A line to fix: 1-based line and column, and what is wrong with its indentation.</summary>
    public sealed record Hint(int Line, int Column, string Message);

    private sealed record Level(int Indent, int Line, string Key);

    /// <summary>How far above the parser's error line a misaligned line may be and still be blamed: layout mistakes are
    /// found at once or a line or two later, and a valid multi-line plain scalar further up must not be blamed instead.</summary>
    private const int Window = 2;

    /// <summary>The first tab used as indentation (anywhere when the parser complained of a tab, it reports those at
    /// 1:1), else a misaligned line at or just above <paramref name="errorLine"/>; null when neither is found.</summary>
    public static Hint? Explain(string text, int errorLine, string parserMessage)
    {
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        int tabScan = parserMessage.Contains("tab", StringComparison.OrdinalIgnoreCase) ? lines.Length : Math.Min(errorLine, lines.Length);
        for (int i = 0; i < tabScan; i++)
        {
            string line = lines[i];
            int lead = line.Length - line.TrimStart(' ', '\t').Length;
            int tab = line.IndexOf('\t');
            if (tab >= 0 && tab < lead && line.Trim().Length > 0)
            {
                return new Hint(i + 1, tab + 1, $"line {i + 1} is indented with a tab; YAML indents with spaces only, expected spaces instead of the tab");
            }
        }

        var stack = new List<Level>();
        int skipDeeperThan = -1; // inside a block scalar (description: >-): lines deeper than its key are text
        int flowDepth = 0;       // inside brackets that span lines
        string? previous = null;
        for (int i = 0; i < Math.Min(errorLine, lines.Length); i++)
        {
            string raw = lines[i];
            string content = StripComment(raw).TrimEnd();
            if (content.Trim().Length == 0) continue;
            int indent = content.Length - content.TrimStart(' ').Length;
            if (flowDepth > 0) { flowDepth = Math.Max(0, flowDepth + FlowBalance(content)); continue; }
            if (skipDeeperThan >= 0 && indent > skipDeeperThan) continue;
            skipDeeperThan = -1;
            if (content.TrimStart().StartsWith("---", StringComparison.Ordinal)) { stack.Clear(); previous = null; continue; }

            string key = KeyOf(content);
            Level? popped = null;
            while (stack.Count > 0 && stack[^1].Indent > indent)
            {
                popped = stack[^1];
                stack.RemoveAt(stack.Count - 1);
            }
            Level? top = stack.Count > 0 ? stack[^1] : null;
            if (popped is not null && (top is null || top.Indent < indent))
            {
                // A dedent must land on a level still open above; this one falls between two.
                string expected = top is null
                    ? $"{Spaces(popped.Indent)}, to line up with {Name(popped)} on line {popped.Line}"
                    : $"{Spaces(popped.Indent)} (to line up with {Name(popped)} on line {popped.Line}) or {Spaces(top.Indent)} (with {Name(top)} on "
                        + $"line {top.Line})";
                if (i + 1 >= errorLine - Window) return new Hint(i + 1, indent + 1, $"line {i + 1} is indented {Spaces(indent)}, which lines up with "
                    + $"no key above it; expected {expected}");
            }
            if (popped is null && top is not null && indent > top.Indent && previous is not null && !Opens(previous))
            {
                // Deeper than the line above: only fine when that line opened a block ("key:" or "-").
                if (i + 1 >= errorLine - Window) return new Hint(i + 1, indent + 1, $"line {i + 1} is indented {Spaces(indent)}, deeper than line "
                    + $"{top.Line} above it ({Spaces(top.Indent)}), " +
                    $"which does not open a block (it does not end with ':'); expected {Spaces(top.Indent)}, to line up with {Name(top)} on line {top.Line}");
            }

            if (stack.Count > 0 && stack[^1].Indent == indent) stack[^1] = new Level(indent, i + 1, key);
            else stack.Add(new Level(indent, i + 1, key));
            if (content.TrimStart().StartsWith("- ", StringComparison.Ordinal) && content.TrimStart().Length > 2)
            {
                int inner = indent + 2 + (content.TrimStart()[2..].Length - content.TrimStart()[2..].TrimStart(' ').Length);
                stack.Add(new Level(inner, i + 1, KeyOf(new string(' ', inner) + content.TrimStart()[2..].TrimStart(' '))));
            }
            if (BlockScalar().IsMatch(content)) skipDeeperThan = indent;
            flowDepth = Math.Max(0, FlowBalance(content));
            previous = content;
        }
        return null;
    }

    private static string Spaces(int n) => n == 1 ? "1 space" : $"{n} spaces";

    private static string Name(Level level) => level.Key.Length > 0 ? $"'{level.Key}'" : "the line";

    private static bool Opens(string content)
    {
        string t = content.TrimEnd();
        return t.EndsWith(':') || t.TrimStart() == "-" || BlockScalar().IsMatch(t) || AnchorOrTag().IsMatch(t);
    }

    private static string KeyOf(string content)
    {
        string t = content.TrimStart();
        if (t.StartsWith("- ", StringComparison.Ordinal)) return "";
        int colon = t.IndexOf(':');
        return colon > 0 ? t[..colon].Trim().Trim('"', '\'') : "";
    }

    private static int FlowBalance(string content)
    {
        int depth = 0;
        bool single = false, dbl = false;
        foreach (char c in content)
        {
            if (dbl) { if (c == '"') dbl = false; continue; }
            if (single) { if (c == '\'') single = false; continue; }
            switch (c)
            {
                case '"': dbl = true; break;
                case '\'': single = true; break;
                case '[' or '{': depth++; break;
                case ']' or '}': depth--; break;
            }
        }
        return depth;
    }

    private static string StripComment(string line)
    {
        bool single = false, dbl = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (dbl) { if (c == '\\') i++; else if (c == '"') dbl = false; continue; }
            if (single) { if (c == '\'') single = false; continue; }
            if (c == '"') dbl = true;
            else if (c == '\'' && (i == 0 || !char.IsLetterOrDigit(line[i - 1]))) single = true;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }

    [GeneratedRegex(@":\s*[|>][-+0-9]*\s*$")]
    private static partial Regex BlockScalar();

    [GeneratedRegex(@":\s*[&!][^\s]*\s*$")]
    private static partial Regex AnchorOrTag();
}

using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

/// <summary>
/// A linear scan run before YAML parsing that rejects input the parser cannot survive: YamlDotNet's parser is
/// recursive, so a few thousand nested brackets overflow the stack and kill the process (no exception to catch).
/// Scenario files are shallow, so generous limits cost nothing.
/// </summary>
public static class YamlGuard
{
    public const int MaxFlowDepth = 64;
    public const int MaxIndentation = 256;
    public const int MaxAliases = 1000;

    /// <summary>Nodes a document may reach once its aliases are followed. A 1 MB file holds at most about 500,000
    /// nodes written out, so only aliases nested inside aliases (a "billion laughs" bomb) can exceed it.</summary>
    public const long MaxExpandedNodes = 1_000_000;

    /// <summary>The first problem found as (line, column, message), or null when the text is safe to parse.</summary>
    public static (int Line, int Column, string Message)? Check(string text)
    {
        int line = 1, column = 0, depth = 0, aliases = 0, indentation = 0;
        bool lineStart = true, inSingle = false, inDouble = false, inComment = false;
        char previous = '\n';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            column++;
            if (c == '\n')
            {
                line++;
                column = 0;
                lineStart = true;
                indentation = 0;
                inComment = false;
                previous = c;
                continue;
            }
            if (inComment) { previous = c; continue; }
            if (lineStart)
            {
                // "- - - x" and "? ? x" nest a block per indicator without any indentation: count them as indentation.
                bool indicator = c is '-' or '?' or ':' && i + 1 < text.Length && text[i + 1] == ' ';
                if (c == ' ' || indicator)
                {
                    if (indicator) { i++; column++; indentation++; }
                    if (++indentation > MaxIndentation)
                    {
                        return (line, column,
                            $"a line is nested deeper than {MaxIndentation} columns of indentation and '- ' markers, expected a scenario nested a few levels " +
                            "deep");
                    }
                    previous = c;
                    continue;
                }
                lineStart = false;
            }
            if (inDouble)
            {
                if (c == '\\') { i++; column++; }
                else if (c == '"') inDouble = false;
            }
            else if (inSingle)
            {
                if (c == '\'') inSingle = false;
            }
            else
            {
                switch (c)
                {
                    case '#' when char.IsWhiteSpace(previous):
                        inComment = true;
                        break;
                    case '"':
                        inDouble = true;
                        break;
                    case '\'' when !char.IsLetterOrDigit(previous):
                        inSingle = true;
                        break;
                    case '[' or '{':
                        if (++depth > MaxFlowDepth)
                        {
                            return (line, column, $"brackets are nested more than {MaxFlowDepth} deep, expected a scenario nested a few levels deep");
                        }
                        break;
                    case ']' or '}':
                        depth = Math.Max(0, depth - 1);
                        break;
                    case '*' when char.IsWhiteSpace(previous) || previous is '[' or '{' or ',' or ':':
                        if (++aliases > MaxAliases)
                        {
                            return (line, column, $"more than {MaxAliases} YAML aliases (*name), expected a hand-written scenario");
                        }
                        break;
                }
            }
            previous = c;
        }
        return null;
    }

    /// <summary>The first control character (C0, DEL or C1) in <paramref name="text"/>, or null: names holding one
    /// would reach the console, CSV and HTML output raw (a terminal escape sequence, say).</summary>
    public static char? ControlCharacter(string text)
    {
        foreach (char c in text) if (char.IsControl(c)) return c;
        return null;
    }

    /// <summary>
    /// A parsed tree shares one node object per anchor, so an alias bomb is small in memory but enormous to walk;
    /// anything that walks it (validation, --set marking, rendering a sweep value) would hang. This counts the nodes
    /// a walk would visit, remembering each shared node's count, so it takes time linear in the distinct nodes.
    /// Returns a message when the walk would exceed <see cref="MaxExpandedNodes"/>, else null.
    /// </summary>
    public static string? CheckExpansion(YamlNode root)
    {
        var counted = new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance);
        var open = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        // An explicit stack: the tree is at most MaxFlowDepth/MaxIndentation deep after Check, but a tree built from
        // --set values or by hand need not have passed Check.
        var stack = new Stack<(YamlNode Node, bool Done)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, done) = stack.Pop();
            if (counted.ContainsKey(node)) continue;
            IEnumerable<YamlNode> children = node switch
            {
                YamlMappingNode m => m.Children.SelectMany(c => new[] { c.Key, c.Value }),
                YamlSequenceNode s => s.Children,
                _ => [],
            };
            if (!done)
            {
                if (!open.Add(node)) return "a YAML alias refers to a node that contains it, expected a tree without cycles";
                stack.Push((node, true));
                foreach (YamlNode child in children) if (!counted.ContainsKey(child)) stack.Push((child, false));
                continue;
            }
            long total = 1;
            foreach (YamlNode child in children) total = Math.Min(total + counted[child], long.MaxValue / 2);
            if (total > MaxExpandedNodes)
            {
                return $"the YAML aliases (*name) expand to more than {MaxExpandedNodes:N0} values, expected a hand-written scenario";
            }
            counted[node] = total;
            open.Remove(node);
        }
        return null;
    }
}

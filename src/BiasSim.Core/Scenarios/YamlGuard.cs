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
                        return (line, column, $"a line is nested deeper than {MaxIndentation} columns of indentation and '- ' markers, expected a scenario nested a few levels deep");
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
}

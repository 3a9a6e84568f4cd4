namespace BiasSim.Core.Engine;

/// <summary>
/// How many elements a scratch span may take on the stack. Spans sized by the scenario or the data (groups x regions,
/// strata, targets) above this come from the heap: 1,000 regions x 400 groups on the stack overflowed it, which kills
/// the process with no exception to catch. Ten such spans of 256 eight-byte elements use 20 KB of a 1 MB stack.
/// </summary>
internal static class StackBudget
{
    public const int Elements = 256;
}

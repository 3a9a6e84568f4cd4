using System.Runtime.CompilerServices;

namespace BiasSim.Core.Records;

/// <summary>The recorded category of each protected attribute of one referral (index 0: ethnicity, then each further
/// attribute in declaration order); <see cref="ReferralRecord.Unknown"/> when unrecorded.</summary>
[InlineArray(ReferralRecord.MaxAttributes)]
public struct RecordedCategories
{
    private short _first;
}

/// <summary>
/// One synthetic referral: the cell it fell in (region, self-defined group, further attribute levels and covariate
/// levels: <see cref="RecordModel.Key"/>) and what was recorded about it. A 12-byte value with no strings, so a record
/// stream costs no allocation; names are looked up only by whoever renders a record.
/// </summary>
public struct ReferralRecord : IEquatable<ReferralRecord>
{
    /// <summary>Protected attributes a record can carry: ethnicity and up to three more.</summary>
    public const int MaxAttributes = 4;

    /// <summary>The recorded category of an attribute that was not recorded.</summary>
    public const short Unknown = -1;

    /// <summary>Index of the referral's cell in <see cref="RecordModel.Cells"/>.</summary>
    public int Cell;

    /// <summary>Per attribute, the index of the recorded category in <see cref="RecordModel.Categories"/>, or <see cref="Unknown"/>.</summary>
    public RecordedCategories Recorded;

    /// <summary>Same cell and same recorded categories (an inline array has no built-in equality).</summary>
    public readonly bool Equals(ReferralRecord other)
    {
        if (Cell != other.Cell) return false;
        ReadOnlySpan<short> a = Recorded, b = other.Recorded;
        return a.SequenceEqual(b);
    }

    public override readonly bool Equals(object? obj) => obj is ReferralRecord other && Equals(other);

    public override readonly int GetHashCode()
    {
        ReadOnlySpan<short> a = Recorded;
        return HashCode.Combine(Cell, a[0], a[1], a[2], a[3]);
    }

    public static bool operator ==(ReferralRecord left, ReferralRecord right) => left.Equals(right);
    public static bool operator !=(ReferralRecord left, ReferralRecord right) => !left.Equals(right);
}

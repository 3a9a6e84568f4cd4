using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using BiasSim.Core.Diagnosands;

namespace BiasSim.Core.Simulation;

/// <summary>
/// Bytes for segment tallies, so checkpoints and shards can be stored and merged. A record is
/// [segment, blocks, payload length, payload, FNV-1a checksum]; the payload is the tallies' memory image
/// (plain value types of longs and doubles, so the image is exact: merging it back is bit-identical).
/// Images are only read back on a machine of the same endianness, which the header records.
/// </summary>
public static class SegmentTallyCodec
{
    public static int TallySize => Unsafe.SizeOf<TargetTally>();
    public static int DataSize => Unsafe.SizeOf<DataTally>();

    public static byte[] Encode(SegmentTally tally)
    {
        ReadOnlySpan<byte> slots = MemoryMarshal.AsBytes(tally.Slots.AsSpan());
        DataTally data = tally.Data;
        ReadOnlySpan<byte> dataBytes = MemoryMarshal.AsBytes(new ReadOnlySpan<DataTally>(ref data));
        int payload = slots.Length + dataBytes.Length;
        var record = new byte[12 + payload + 4];
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(0), tally.Segment);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), tally.Blocks);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8), payload);
        slots.CopyTo(record.AsSpan(12));
        dataBytes.CopyTo(record.AsSpan(12 + slots.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12 + payload), Fnv1a(record.AsSpan(0, 12 + payload)));
        return record;
    }

    /// <summary>Starts a tally file: a magic word and the fingerprint of the run the tallies belong to, so tallies of
    /// another run (another seed, scenario or version, or another design point) are never summed into this one.</summary>
    public static byte[] EncodeHeader(string fingerprint)
    {
        byte[] text = Encoding.UTF8.GetBytes(fingerprint);
        var header = new byte[Magic.Length + 4 + text.Length];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(Magic.Length), text.Length);
        text.CopyTo(header.AsSpan(Magic.Length + 4));
        return header;
    }

    /// <summary>The fingerprint a tally file starts with and the header's length, or null when it has no valid header
    /// (not a tally file, or one written before tallies were bound to their run).</summary>
    public static (string Fingerprint, int Length)? ReadHeader(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length + 4 || !bytes[..Magic.Length].SequenceEqual(Magic)) return null;
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes[Magic.Length..]);
        if (length is < 0 or > 1024 || bytes.Length < Magic.Length + 4 + length) return null;
        return (Encoding.UTF8.GetString(bytes.Slice(Magic.Length + 4, length)), Magic.Length + 4 + length);
    }

    private static ReadOnlySpan<byte> Magic => "BSTALLY1"u8;

    /// <summary>Reads records until the end or the first truncated or corrupt one (a write interrupted by a crash);
    /// a later record for the same segment replaces an earlier one.</summary>
    public static List<SegmentTally> DecodeAll(ReadOnlySpan<byte> bytes, int slots) => DecodeAll(bytes, slots, out _);

    /// <summary>As <see cref="DecodeAll(ReadOnlySpan{byte}, int)"/>, also giving how many bytes hold whole records:
    /// anything after them is a torn record that must be cut off before appending, or every record appended after
    /// it would be unreadable too.</summary>
    public static List<SegmentTally> DecodeAll(ReadOnlySpan<byte> bytes, int slots, out int validLength)
    {
        var bySegment = new SortedDictionary<int, SegmentTally>();
        int expected = slots * TallySize + DataSize;
        int at = 0;
        while (at + 12 <= bytes.Length)
        {
            int segment = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
            int blocks = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 4)..]);
            int payload = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 8)..]);
            if (payload != expected || at + 12 + payload + 4 > bytes.Length) break;
            uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 12 + payload)..]);
            if (checksum != Fnv1a(bytes.Slice(at, 12 + payload))) break;
            var tallies = new TargetTally[slots];
            bytes.Slice(at + 12, slots * TallySize).CopyTo(MemoryMarshal.AsBytes(tallies.AsSpan()));
            DataTally data = MemoryMarshal.Read<DataTally>(bytes.Slice(at + 12 + slots * TallySize, DataSize));
            bySegment[segment] = new SegmentTally(segment, blocks, tallies, data);
            at += 12 + payload + 4;
        }
        validLength = at;
        return [.. bySegment.Values];
    }

    private static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        uint hash = 2166136261;
        foreach (byte b in bytes) hash = (hash ^ b) * 16777619;
        return hash;
    }
}

using System.Numerics;

namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// The adaptive model behind <see cref="ContextArithmeticCoder"/>. Each symbol is a zero/nonzero flag, then, if
/// nonzero, its index coded bit by bit down a binary tree. Both are conditioned on the local density: how many of
/// the last 32 symbols were nonzero (7 buckets). The flag is also conditioned on the previous flag.
/// </summary>
/// <remarks>
/// Density is the context because pruned layers are not uniformly sparse: filters with small weights are pruned
/// harder, and their surviving weights are also smaller, so local density predicts both the next flag and the
/// magnitude of the next nonzero symbol.
/// </remarks>
internal sealed class ContextModel
{
    private const int DensityBuckets = 7;

    private readonly int _nonzeroCount;  // symbols 1 .. symbolCount - 1
    private readonly int _depth;         // bits per nonzero index
    private readonly AdaptiveBitModel[] _flags = new AdaptiveBitModel[DensityBuckets * 2];
    private readonly AdaptiveBitModel[] _tree;
    private uint _recentFlags;           // bit i = flag of the symbol i + 1 positions back

    public ContextModel(int symbolCount)
    {
        _nonzeroCount = symbolCount - 1;
        _depth = _nonzeroCount <= 1 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)(_nonzeroCount - 1));
        _tree = new AdaptiveBitModel[DensityBuckets << _depth];
    }

    public void Encode(BinaryRangeEncoder encoder, int symbol)
    {
        // With one symbol only, every flag is 0 and costs nothing.
        if (_nonzeroCount == 0) return;
        var density = DensityBucket();
        var nonzero = symbol != 0 ? 1 : 0;
        encoder.Encode(ref _flags[density * 2 + (int)(_recentFlags & 1)], nonzero);
        _recentFlags = (_recentFlags << 1) | (uint)nonzero;
        if (nonzero == 0) return;

        var index = symbol - 1;
        var treeBase = density << _depth;
        var node = 1;
        for (var d = _depth - 1; d >= 0; d--)
        {
            var bit = (index >> d) & 1;
            if (OneBranchExists(node, d)) encoder.Encode(ref _tree[treeBase + node], bit);
            node = (node << 1) | bit;
        }
    }

    public int Decode(BinaryRangeDecoder decoder)
    {
        if (_nonzeroCount == 0) return 0;
        var density = DensityBucket();
        var nonzero = decoder.Decode(ref _flags[density * 2 + (int)(_recentFlags & 1)]);
        _recentFlags = (_recentFlags << 1) | (uint)nonzero;
        if (nonzero == 0) return 0;

        var treeBase = density << _depth;
        var node = 1;
        for (var d = _depth - 1; d >= 0; d--)
        {
            // A branch that does not exist is never decoded, so even garbage input yields an index in range.
            var bit = OneBranchExists(node, d) ? decoder.Decode(ref _tree[treeBase + node]) : 0;
            node = (node << 1) | bit;
        }
        return node - (1 << _depth) + 1;
    }

    // 0, 1, 2, 3-4, 5-8, 9-16, 17-32 nonzeros among the last 32 symbols.
    private int DensityBucket()
    {
        var count = BitOperations.PopCount(_recentFlags);
        return count <= 2 ? count : 32 - BitOperations.LeadingZeroCount((uint)(count - 1)) + 1;
    }

    // Indices >= the number of nonzero symbols do not exist, so a branch whose smallest index is past them is never
    // taken and its bit need not be coded.
    private bool OneBranchExists(int node, int d)
    {
        var prefix = node - (1 << (_depth - 1 - d));
        return (((prefix << 1) | 1) << d) < _nonzeroCount;
    }
}

using System.Runtime.Intrinsics;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>And, Or, Xor on bool tensors.</summary>
internal struct LogicalOp<TKind> : IBinaryOp<bool, bool>
{
    public static bool Vectorizable => false;

    public static bool Invoke(bool a, bool b) =>
        typeof(TKind) == typeof(Op.And) ? a & b :
        typeof(TKind) == typeof(Op.Or) ? a | b :
        typeof(TKind) == typeof(Op.Xor) ? a ^ b :
        throw new NotSupportedException(typeof(TKind).Name);

    public static Vector512<bool> Invoke(Vector512<bool> a, Vector512<bool> b) => throw new NotSupportedException();
    public static Vector256<bool> Invoke(Vector256<bool> a, Vector256<bool> b) => throw new NotSupportedException();
}

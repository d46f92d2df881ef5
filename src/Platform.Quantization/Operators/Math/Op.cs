namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// Marker types naming an elementwise function. Ops are generic over one of these so that a
/// single struct serves several functions: <c>typeof(TKind) == typeof(Op.Add)</c> is a JIT-time
/// constant for value types, so each instantiation keeps only its own branch.
/// </summary>
internal static class Op
{
    public struct Add;
    public struct Sub;
    public struct Mul;
    public struct Div;
    public struct Max;
    public struct Min;
    public struct Pow;
    public struct Mod;

    public struct Equal;
    public struct Less;
    public struct Greater;
    public struct LessOrEqual;
    public struct GreaterOrEqual;

    public struct And;
    public struct Or;
    public struct Xor;

    public struct Relu;
    public struct Neg;
    public struct Abs;
    public struct Sqrt;
    public struct Exp;
    public struct Log;
    public struct Sigmoid;
    public struct Tanh;
    public struct Erf;
    public struct Reciprocal;
    public struct Floor;
    public struct Ceil;
    public struct Round;
    public struct Sign;
    public struct Softplus;
    public struct Sin;
    public struct Cos;
    public struct HardSwish;
    public struct Gelu;
    public struct GeluTanh;
}

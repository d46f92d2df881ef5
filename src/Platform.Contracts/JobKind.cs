namespace Platform.Contracts;

public enum JobKind
{
    Quantize,
    Search,
}

// netstandard2.0 lacks the marker type that 'init' accessors and positional records compile against.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}

namespace VfioPm.Annotations;

/// <summary>Which kernel-style int results of a conditional acquire mean "the reference is held".</summary>
public enum PmReferenceSuccess
{
    /// <summary>Result 0 (the function never returns a positive value), like <c>pm_runtime_resume_and_get</c>.</summary>
    Zero = 0,

    /// <summary>Any result greater than or equal to 0.</summary>
    NonNegative = 1,

    /// <summary>A positive result (1), like <c>pm_runtime_get_if_active</c> and <c>pm_runtime_get_if_in_use</c>.</summary>
    Positive = 2,
}

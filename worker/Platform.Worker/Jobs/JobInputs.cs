using Platform.Data.Entities;

namespace Platform.Worker.Jobs;

/// <summary>The claimed job's row and the rows it names; the evaluation set is required, calibration is not.</summary>
public sealed record JobInputs(Job Job, Model Model, DataSet? Calibration, DataSet Evaluation)
{
    /// <summary>"model 'x', calibration data set 'y', evaluation data set 'z'": appended to every error a person reads.</summary>
    public string Describe() =>
        $"model '{Model.Name}' ({Model.Id})" +
        (Calibration is null ? "" : $", calibration data set '{Calibration.Name}' ({Calibration.Id})") +
        $", evaluation data set '{Evaluation.Name}' ({Evaluation.Id})";
}

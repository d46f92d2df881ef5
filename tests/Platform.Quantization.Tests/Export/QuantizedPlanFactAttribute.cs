using Platform.Quantization.Execution;
using Platform.Quantization.Specs;

namespace Platform.Quantization.Tests.Export;

/// <summary>A fact that runs once <see cref="QuantizedPlan.Build"/> is more than its stub (another part of issue 4 builds it).</summary>
public sealed class QuantizedPlanFactAttribute : FactAttribute
{
    public QuantizedPlanFactAttribute()
    {
        try
        {
            var model = ExportTestModels.Mlp();
            QuantizedPlan.Build(model, ExportTestModels.Quantize(model, LayerSpec.Int8WeightOnly));
        }
        catch (NotImplementedException)
        {
            Skip = "QuantizedPlan.Build is still a stub";
        }
        catch (Exception)
        {
            // built but failing: let the test run and say how
        }
    }
}

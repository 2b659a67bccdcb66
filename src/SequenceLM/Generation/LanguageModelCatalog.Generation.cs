using Microsoft.ML.SequenceLM.Trainers;

namespace Microsoft.ML.SequenceLM;

public sealed partial class LanguageModelCatalog
{
    /// <summary>A generation engine over a trained pipeline (or a bare <see cref="LanguageModelTransformer"/>).</summary>
    public TextGenerationEngine CreateGenerator(ITransformer model) => new(ModelParts.Of(model), Context.Data);
}

#!/usr/bin/env bash
# CI check of the NuGet package as a user gets it: packs, then builds a fresh console app in a temp folder that
# references Microsoft.ML.SequenceLM BY VERSION from artifacts/packages only (no ProjectReference, packages restored
# into the temp folder so no stale cache of the same version can interfere) and Microsoft.ML, runs the README's snippet
# (ML.NET pipeline, PredictionEngine, model zip saved and loaded) on a tiny corpus for a few seconds, with `dotnet run`, with a portable `dotnet publish` and with a linux-x64 `dotnet publish`;
# then installs the sequencelm tool package into a temp tool path and trains, samples and inspects a model with it.
# Usage: bash build/test-package.sh [--no-pack] [--keep]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

pack=true keep=false
for a in "$@"; do
  case "$a" in
    --no-pack) pack=false ;;
    --keep) keep=true ;;
    *) echo "error: unknown option '$a' (use --no-pack, --keep)" >&2; exit 2 ;;
  esac
done

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
$pack && bash build/pack.sh >/dev/null
feed="$root/artifacts/packages"
[[ -f "$feed/Microsoft.ML.SequenceLM.$version.nupkg" ]] || { echo "error: no Microsoft.ML.SequenceLM.$version.nupkg in $feed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sequencelm-package-test.XXXXXX")
$keep || trap 'rm -rf "$work"' EXIT
app="$work/Consumer"
mkdir -p "$app"

cat > "$work/NuGet.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="Microsoft.ML.SequenceLM" /><package pattern="Microsoft.ML.SequenceLM.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

cat > "$app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <RestorePackagesPath>\$(MSBuildThisFileDirectory)../packages</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.ML.SequenceLM" Version="[$version]" />
    <PackageReference Include="Microsoft.ML" Version="5.0.1" />
    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
  </ItemGroup>
</Project>
XML

cat > "$app/Program.cs" <<'CS'
using Microsoft.ML;
using Microsoft.ML.SequenceLM;

if (args is ["anna", var annaPath]) return AnnaSnippet.Run(annaPath);

// The snippet of the README, on a tiny corpus for a few seconds: ML.NET's pipeline, PredictionEngine and model zip.
var ml = new MLContext(seed: 1);
string corpus = string.Concat(Enumerable.Repeat("the cat sat on the mat. the dog sat on the log. ", 40));
string zip = Path.Combine(Path.GetTempPath(), $"consumer-model-{Environment.ProcessId}.zip");
try
{
    IDataView text = ml.Data.LoadFromEnumerable(new[] { new Document { Text = corpus } });
    var pipeline = ml.Transforms.TokenizeChars()
        .Append(ml.LanguageModels().Trainers.Gru(new GruOptions
        {
            EmbeddingSize = 16, HiddenSize = 64, NumberOfLayers = 1, BatchSize = 8, SequenceLength = 32,
            Epochs = 1000, TimeBudget = TimeSpan.FromSeconds(3), LearningRate = 0.01f, Dropout = 0f,
            ValidationFraction = 0f, Device = "cpu",
        }));
    using var model = pipeline.Fit(text);
    var lm = model.LastTransformer;
    var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
    var completion = engine.Predict(new Prompt { Text = "the d", MaxTokens = 40, Temperature = 0 });
    Console.WriteLine($"libtorch {TorchRuntime.TorchVersion}; {lm}; {lm.History.TotalSteps} steps, " +
                      $"loss {lm.History.Records[0].TrainLoss:F2} -> {lm.History.Records[^1].TrainLoss:F2}");
    Console.WriteLine($"generated: \"the d{completion.Text}\"");
    ml.Model.Save(model, text.Schema, zip);
    ITransformer loaded = new MLContext().Model.Load(zip, out _);
    var again = new MLContext().Model.CreatePredictionEngine<Prompt, Completion>(loaded)
        .Predict(new Prompt { Text = "the d", MaxTokens = 40, Temperature = 0 });
    Console.WriteLine($"loaded {string.Join(" -> ", ((IEnumerable<ITransformer>)loaded).Select(t => t.GetType().Name))}: \"the d{again.Text}\"");
    if (completion.TokenCount == 0 || lm.History.Records[^1].TrainLoss >= lm.History.Records[0].TrainLoss || again.Text != completion.Text)
    {
        Console.Error.WriteLine("FAILED: no text generated, the loss did not fall, or the loaded model generates differently");
        return 1;
    }
    return 0;
}
finally
{
    File.Delete(zip);
}

sealed class Document
{
    public string Text { get; set; } = "";
}

// The user's snippet as written, on the char-LSTM notebook's corpus (about a minute on 2 cores).
static class AnnaSnippet
{
    public static int Run(string annaPath)
    {
        var ml = new MLContext(seed: 1);
        IDataView text = ml.Data.LoadFromEnumerable(new[] { new Document { Text = File.ReadAllText(annaPath) } });
        var pipeline = ml.Transforms.TokenizeChars()
            .Append(ml.LanguageModels().Trainers.Gru(new GruOptions { HiddenSize = 256, MaximumSteps = 200 }));
        using var model = pipeline.Fit(text);
        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        Console.WriteLine(engine.Predict(new Prompt { Text = "Anna", MaxTokens = 200, Temperature = 0.8f }).Text);
        ml.Model.Save(model, text.Schema, "anna.zip");
        ITransformer loaded = new MLContext().Model.Load("anna.zip", out _);
        var history = model.LastTransformer.History;
        Console.WriteLine($"{history.TotalSteps} steps in {history.TotalSeconds:F0} s, loss {history.Records[0].TrainLoss:F3} -> " +
                          $"{history.Records[^1].TrainLoss:F3}, validation {history.BestValidationLoss:F3}; loaded: " +
                          string.Join(" -> ", ((IEnumerable<ITransformer>)loaded).Select(t => t.GetType().Name)));
        return 0;
    }
}
CS

step() { printf '\n== %s\n' "$*"; }
timed() { local t0=$SECONDS; "$@"; echo "   ($((SECONDS - t0)) s)"; }
cd "$app"
step "restore Microsoft.ML.SequenceLM $version from $feed into $work/packages"
timed dotnet restore --configfile "$work/NuGet.config" -v q
NUGET_PACKAGES="$work/packages" bash "$root/build/debian12/make-torchsharp-load.sh"   # Debian 12 only
resolved="$work/packages/microsoft.ml.sequencelm/$version"
[[ "$(sha256sum < "$resolved/microsoft.ml.sequencelm.$version.nupkg")" == "$(sha256sum < "$feed/Microsoft.ML.SequenceLM.$version.nupkg")" ]] \
  || { echo "error: the restored package is not the one just packed" >&2; exit 1; }

step "dotnet run"
timed dotnet run --no-restore -c Release

step "dotnet publish (portable) + run"
timed dotnet publish --no-restore -c Release -o "$work/publish" -v q -nologo
(cd / && timed dotnet "$work/publish/Consumer.dll")

step "dotnet publish -r linux-x64 (framework-dependent) + run the apphost"
timed dotnet publish -c Release -r linux-x64 --self-contained false --configfile "$work/NuGet.config" -o "$work/publish-linux-x64" -v q -nologo
(cd / && timed "$work/publish-linux-x64/Consumer")

anna="$root/../shared/data/anna.txt"
if [[ -f "$anna" ]]; then
  step "the user's snippet on anna.txt (GRU 256, 200 steps)"
  (cd "$work" && timed "$work/publish-linux-x64/Consumer" anna "$anna")
fi

if [[ -f "$feed/Microsoft.ML.SequenceLM.Cli.$version.nupkg" ]]; then
  step "dotnet tool install Microsoft.ML.SequenceLM.Cli $version + sequencelm train/sample/info"
  NUGET_PACKAGES="$work/packages" timed dotnet tool install --tool-path "$work/tools" --configfile "$work/NuGet.config" \
    --version "$version" Microsoft.ML.SequenceLM.Cli >/dev/null
  printf 'the cat sat on the mat. the dog sat on the log.\n%.0s' {1..60} > "$work/corpus.txt"
  (cd "$work" && timed ./tools/sequencelm train corpus.txt --hidden 48 --layers 1 --embedding 16 --seq 32 --batch 8 --time 3s \
      --validation 0 --device cpu -o tool-model.zip)
  (cd "$work" && ./tools/sequencelm sample tool-model.zip --prompt "the d" --temperature 0 --max-tokens 30)
  (cd "$work" && ./tools/sequencelm info tool-model.zip | head -3)
  tool=", dotnet tool install"
fi

echo
echo "PASS: Microsoft.ML.SequenceLM $version works from the package (dotnet run, dotnet publish, dotnet publish -r linux-x64${tool:-})."

package dev.kiln.samples.golden;

import dev.kiln.ir.ArrayData;
import dev.kiln.ir.KilnException;
import dev.kiln.ir.io.Npy;
import dev.kiln.samples.models.Cifar10Cnn;
import dev.kiln.samples.models.EmbeddingModel;
import dev.kiln.samples.models.Ffnn;
import dev.kiln.samples.models.LogReg;
import dev.kiln.samples.models.LstmModel;
import dev.kiln.samples.models.MnistCnn;
import dev.kiln.samples.models.PaperModel;
import dev.kiln.tracer.Random;
import dev.kiln.tracer.Tensor;
import dev.kiln.tracer.tree.PyTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A folder of golden per-example gradients, as in {@code testdata/golden/<model>/}: a
 * {@code manifest.json} (model name, parameter names, shapes and files) and {@code .npy} files
 * with a batch of inputs and labels, PyTorch's per-example losses, gradients, norms and clipped
 * sums. Builds the matching Kiln model (sizes taken from the files, so the reduced LSTM case
 * works) with PyTorch's parameter values.
 */
public record GoldenCase(String modelName, PaperModel<?> model, Object params, Tensor x, Tensor y,
                         ArrayData losses, Map<String, ArrayData> grads, ArrayData norms,
                         Map<String, ArrayData> clippedSum, double clip, Path dir) {

    public static GoldenCase load(Path dir) {
        Path manifestFile = dir.resolve("manifest.json");
        if (!Files.isRegularFile(manifestFile)) {
            throw new KilnException("gradcheck", "no manifest.json in " + dir, null,
                    "point at a folder like testdata/golden/mnist_cnn");
        }
        Map<?, ?> manifest;
        try {
            manifest = (Map<?, ?>) Json.parse(Files.readString(manifestFile));
        } catch (IOException | ClassCastException e) {
            throw new KilnException("gradcheck", "cannot read " + manifestFile + ": " + e.getMessage());
        }
        String name = (String) manifest.get("model");
        ArrayData x = Npy.read(dir.resolve("x.npy"));
        ArrayData y = Npy.read(dir.resolve("y.npy"));
        Map<String, ArrayData> paramValues = new LinkedHashMap<>();
        Map<String, ArrayData> grads = new LinkedHashMap<>();
        Map<String, ArrayData> clipped = new LinkedHashMap<>();
        for (Object o : (List<?>) manifest.get("params")) {
            Map<?, ?> p = (Map<?, ?>) o;
            String pn = (String) p.get("name");
            paramValues.put(pn, Npy.read(dir.resolve((String) p.get("file"))));
            grads.put(pn, Npy.read(dir.resolve((String) p.get("grad_file"))));
            Object cs = p.get("clipped_sum_file");
            if (cs != null && Files.exists(dir.resolve((String) cs))) {
                clipped.put(pn, Npy.read(dir.resolve((String) cs)));
            }
        }
        PaperModel<?> model = modelFor(name, paramValues, x);
        Object params = paramsFrom(model, paramValues);
        double clip = manifest.get("clip") instanceof Double d ? d : 1.0;
        ArrayData norms = Files.exists(dir.resolve("norms.npy")) ? Npy.read(dir.resolve("norms.npy")) : null;
        return new GoldenCase(name, model, params, Tensor.of(x), Tensor.of(y), Npy.read(dir.resolve("loss.npy")),
                grads, norms, clipped, clip, dir);
    }

    /** The number of examples in the batch. */
    public int batch() {
        return x.dim(0);
    }

    private static PaperModel<?> modelFor(String name, Map<String, ArrayData> params, ArrayData x) {
        return switch (name) {
            case "logreg" -> new LogReg();
            case "ffnn" -> new Ffnn();
            case "mnist_cnn" -> new MnistCnn();
            case "cifar10_cnn" -> new Cifar10Cnn();
            case "embedding" -> new EmbeddingModel(params.get("emb.weight").shape().dim(0), x.shape().dim(1));
            case "lstm" -> new LstmModel(params.get("emb.weight").shape().dim(0), x.shape().dim(1));
            default -> throw new KilnException("gradcheck", "unknown model '" + name + "' in manifest");
        };
    }

    /** The model's parameter record with the golden values, matched by PyTorch name. */
    private static Object paramsFrom(PaperModel<?> model, Map<String, ArrayData> values) {
        Object template = model.init(Random.key(0));
        PyTree.Flat flat = PyTree.flatten(template);
        List<String> names = model.parameterNames();
        List<Tensor> leaves = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            ArrayData v = values.get(names.get(i));
            Tensor t = flat.tensors().get(i);
            if (v == null) {
                throw new KilnException("gradcheck", "the manifest has no parameter '" + names.get(i) + "' for model "
                        + model.name() + " (it has " + values.keySet() + ")");
            }
            if (!v.type().equals(t.type())) {
                throw new KilnException("gradcheck", "parameter " + names.get(i) + " is " + v.type()
                        + " in the golden files but Kiln's " + model.name() + " expects " + t.type());
            }
            leaves.add(Tensor.of(v));
        }
        return flat.def().unflatten(leaves);
    }
}

package org.optim4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.optim4j.NonFiniteGradientException;
import org.optim4j.NonFinitePolicy;
import org.optim4j.Optimizer;
import org.optim4j.checkpoint.Checkpoint;
import org.optim4j.quant.StateFormat;
import org.optim4j.backend.Backends;
import org.optim4j.network.Activation;
import org.optim4j.network.Engine;
import org.optim4j.network.Mlp;
import org.optim4j.network.MlpArchitecture;
import org.optim4j.network.data.CsvDatasetReader;
import org.optim4j.network.data.Dataset;
import org.optim4j.network.data.Digits;
import org.optim4j.network.data.EmptyClassesException;
import org.optim4j.network.data.MalformedDataException;
import org.optim4j.network.train.Trainer;
import org.optim4j.network.train.TrainingCheckpoint;
import org.optim4j.network.train.Trainer.EpochResult;
import org.optim4j.rule.RuleType;
import org.optim4j.rule.Rules;
import org.optim4j.rule.UpdateRule;
import org.optim4j.schedule.ReduceOnPlateau;
import org.optim4j.schedule.Schedule;
import org.optim4j.spi.Backend;
import org.optim4j.spi.Buffer;
import org.optim4j.transform.Param;
import org.optim4j.transform.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Trains the MLP of the spec on the UCI digits (or a CSV of the same shape) with one rule (any rule of the
 * registry, {@link Rules}), or with each of the spec's rules ({@code --compare}), printing per-epoch loss, test
 * accuracy and samples/s.
 *
 * <p>The steps are separate methods so that checkpointing can slot in: {@link #loadData()},
 * {@link #ruleFor(String)}, {@link #newRun(UpdateRule, Split)} (builds network, optimizer and
 * parameters: a resume would restore θ, the optimizer state and the epoch here) and
 * {@link #train(Run, int)} (one epoch at a time: a checkpoint would be written after each).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = TrainCommand.RuleHelp.class,
        description = {
            "Train the multilayer perceptron (softmax cross-entropy) with one update rule, or with each of the spec's "
                    + "six rules (--compare), or of a list (--rules adam,adamw,lion,nadam,radam,lamb).",
            "Data: the UCI handwritten digits shipped with optim4j (1797 images, 8x8 pixels 0..16, scaled to [0,1] by "
                    + "dividing by 16), split 80/20 after a seeded shuffle. --data FILE reads another CSV of the same shape "
                    + "(features then an integer label per row, 0..N-1, also written 1.0; no header; plain or gzip); "
                    + "its features are divided by the largest feature of its training part.",
            "Prints per epoch the mean training loss, the test accuracy and the training speed (samples/s, "
                    + "training steps only)."})
final class TrainCommand implements Callable<Integer> {

    /**
     * Default learning rates per rule, from a sweep on the digits (64-128-64-10 ReLU, batch 32, 30 epochs,
     * mean final test accuracy over seeds 1–8, each seed its own split): SGD 0.1/0.2/0.3/0.4 → 0.977/0.982/
     * 0.982/0.983; momentum 0.05/0.1/0.2 → 0.983/0.984/0.949; Nesterov 0.05/0.1/0.2 → 0.983/0.985/0.896;
     * AdaGrad 0.025/0.05 → 0.983/0.982; RMSProp (ρ₂ 0.9) 1e-3/2e-3/4e-3 → 0.980/0.983/0.977; Adam 1e-3/2e-3/4e-3 →
     * 0.983/0.984/0.984. Differences under ~0.003 are within the seed-to-seed noise; where a larger rate was
     * no better by more than that, the one further from divergence is kept.
     */
    static final double LR_SGD = 0.2;
    static final double LR_MOMENTUM = 0.05;
    static final double LR_NESTEROV = 0.05;
    static final double LR_ADAGRAD = 0.05;
    static final double LR_RMSPROP = 2e-3;
    static final double LR_ADAM = 1e-3;
    /** The rules --compare trains: the spec's six (any registered rule trains with --rule). */
    static final List<String> RULES = List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam");
    /** The default learning rates above by rule id; a rule not here starts at its registered default. */
    static final Map<String, Double> SWEPT_LEARNING_RATES = Map.of("sgd", LR_SGD, "momentum", LR_MOMENTUM,
            "nesterov", LR_NESTEROV, "adagrad", LR_ADAGRAD, "rmsprop", LR_RMSPROP, "adam", LR_ADAM);

    @Option(names = "--rule", paramLabel = "RULE", completionCandidates = RuleIds.class,
            description = "Any registered rule: ${COMPLETION-CANDIDATES} (default adam). Each rule's hyper-parameters "
                    + "and defaults are listed below.")
    String rule;

    @Option(names = "--hp", paramLabel = "KEY=VALUE,…",
            description = "The rule's hyper-parameters by name or alias, e.g. --hp rho2=0.95,eps=1e-7; a value is a "
                    + "number or a schedule (any --schedule form without '=': linear:α0,ατ,τ, cosine:…, a join s0+s1@b). "
                    + "The rest keep their defaults (listed below).")
    String hp;

    @Option(names = "--lr", paramLabel = "α", description = "Constant learning rate (learning_rate). Default per rule: sgd "
            + LR_SGD + ", momentum " + LR_MOMENTUM + ", nesterov " + LR_NESTEROV + ", adagrad " + LR_ADAGRAD
            + ", rmsprop " + LR_RMSPROP + ", adam " + LR_ADAM + "; any other rule its registered default.")
    Double lr;

    @Option(names = "--schedule", paramLabel = "SPEC",
            description = "Learning-rate schedule instead of --lr, over optimizer steps t = 0, 1, … (PyTorch's "
                    + "lr_scheduler stepped once per step; docs/schedules.md): a number (constant), or KIND:VALUES — "
                    + "linear:α0,ατ,τ; step:α0,γ,n; multistep:α0,γ,m1,m2,…; exponential:α0,γ; "
                    + "polynomial:α0,αend,T,power; cosine:αmax,αmin,T (periodic after T, as CosineAnnealingLR); "
                    + "cosine_restarts:αmax,αmin,T0,Tmult; warmup:αstart,αpeak,W; "
                    + "onecycle:maxLr,T[,pctStart,divFactor,finalDivFactor,threePhase(0/1),linear(0/1)]; "
                    + "plateau:α0[,factor,patience,threshold,cooldown,minLr,mode(0 min/1 max),thresholdMode(0 rel/1 abs)] "
                    + "(reduce-on-plateau, fed the epoch's training loss; its state is checkpointed — do not repeat "
                    + "it on --resume, or it starts afresh). Join schedules with + and the step each starts at: "
                    + "warmup:0.001,0.1,500+cosine:0.1,0.001,9500@500 (each part counts steps from its start). "
                    + "Any other hyper-parameter takes the same forms in --hp, e.g. --hp beta1=onecycle_momentum:0.85,0.95,T.")
    String schedule;

    @Option(names = "--rho", paramLabel = "ρ",
            description = "Momentum / Nesterov coefficient: --hp rho=ρ, for the rules that have rho.")
    Double rho;

    @Option(names = "--rho1", paramLabel = "ρ1",
            description = "Adam's first-moment decay: --hp rho1=ρ1, for the rules that have rho1.")
    Double rho1;

    @Option(names = "--rho2", paramLabel = "ρ2",
            description = "Second-moment decay (RMSProp, Adam): --hp rho2=ρ2, for the rules that have rho2.")
    Double rho2;

    @Option(names = "--epsilon", paramLabel = "ε",
            description = "AdaGrad / RMSProp / Adam ε, outside the square root: --hp epsilon=ε, for the rules that "
                    + "have epsilon.")
    Double epsilon;

    @Option(names = "--nesterov-form", defaultValue = "spec", paramLabel = "FORM",
            description = "spec: the gradient is taken at θ + ρ·s on the mini-batch (default); "
                    + "reparametrised: the parameters hold θ + ρ·s (DL4J, PyTorch).")
    String nesterovForm;

    @Option(names = "--epochs", defaultValue = "30", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Mini-batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--hidden", defaultValue = "128,64", paramLabel = "N,N,…",
            description = "Hidden layer sizes (default ${DEFAULT-VALUE}: the network 64-128-64-10 on the digits).")
    String hidden;

    @Option(names = "--activation", defaultValue = "relu",
            description = "Hidden activation: identity, relu, tanh, sigmoid (default ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--backend", defaultValue = "auto",
            description = "Optimizer backend by name (scalar, simd, nd4j), or auto: the one Backends.select(rule, size) "
                    + "picks (default ${DEFAULT-VALUE}).")
    String backendName;

    @Option(names = "--engine", defaultValue = "java",
            description = "Forward/back-propagation: java (float[] loops, fastest at these sizes) or nd4j "
                    + "(matrix products by ND4J/OpenBLAS gemm) (default ${DEFAULT-VALUE}).")
    String engineName;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the split, the initialisation and the batch order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", paramLabel = "FILE", description = "CSV to train on instead of the digits.")
    Path data;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where --compare (or a single run, if given) writes its PNG plots and CSV (default optim4j-out).")
    Path out;

    @Option(names = "--compare", description = "Train once with each of the spec's six rules (or the --rules) at its "
            + "default learning rate; write plots of loss and test accuracy and a CSV.")
    boolean compare;

    @Option(names = "--rules", paramLabel = "RULE,…", split = ",",
            description = "The rules --compare trains, each at its default learning rate (above for the spec's six, "
                    + "else its registered default), e.g. --rules adam,adamw,lion,nadam,radam,lamb; any registered "
                    + "rule; implies --compare. Default: sgd,momentum,nesterov,adagrad,rmsprop,adam.")
    List<String> compareRules;

    @Option(names = "--warmup-epochs", defaultValue = "0", paramLabel = "N",
            description = "Untimed epochs on a throw-away network before the first run, so that the JIT has compiled "
                    + "the hot loops before the first rule's speed is measured; they cost N epochs' time on your data "
                    + "(default ${DEFAULT-VALUE}: none; the samples/s reported are medians over epochs, which the "
                    + "JIT's first epochs hardly move).")
    int warmupEpochs;

    @Option(names = "--classes", paramLabel = "N",
            description = "Number of classes, when some have no row in the data (labels 0..N-1). Without it the "
                    + "classes are 0..the largest label, and each must have a row.")
    Integer classes;

    @Option(names = "--non-finite", defaultValue = "fail", paramLabel = "POLICY",
            description = "What a step does with a gradient holding NaN or Infinity: fail (stop and say which rule, "
                    + "step and tensor; default) or skip (leave the parameters as they are, count the step as "
                    + "skipped and go on).")
    String nonFinite;

    @Option(names = "--state", paramLabel = "FORMAT",
            description = "How the optimizer stores its state (s, r): f32 (default), bf16 (bfloat16, rounded to "
                    + "nearest even) or int8 (8-bit block-wise, Dettmers et al. 2022); arithmetic stays float32. "
                    + "Compressed state needs a heap backend (simd, scalar). With --resume, the checkpoint's format "
                    + "unless given.")
    String stateFormat;

    private static final String INT8_MIN_SIZE = "--int8-min-size";

    @Option(names = INT8_MIN_SIZE, paramLabel = "N",
            description = "With --state int8: the network's tensors (W1, b1, …) of fewer than N elements keep float32 "
                    + "state, the others are quantized in blocks that start at each tensor (bitsandbytes' "
                    + "min_8bit_size; default 4096, so the 64-128-64-10 network's W1 and W2 are 8-bit; 0 quantizes "
                    + "every tensor).")
    Integer int8MinSize;

    /** The format of a resumed checkpoint's state (f32 when it has none compressed), or null without --resume. */
    private StateFormat resumedFormat;
    /** True when a resumed checkpoint was written without the network's tensor layout (one flat tensor). */
    private boolean resumedFlat;

    private StateFormat stateFormat() {
        if (stateFormat != null) {
            return StateFormat.parse(stateFormat);
        }
        return resumedFormat != null ? resumedFormat : StateFormat.FLOAT32;
    }

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "After every epoch, save θ and the complete optimizer state to FILE (atomically: a crash "
                    + "leaves the previous checkpoint). Not with --compare.")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the run saved in FILE: θ, optimizer state and step counter are restored and training "
                    + "goes on from the next epoch up to --epochs, exactly as if never interrupted (give the same "
                    + "--seed, --batch-size, --hidden, --data and engine). The rule comes from the checkpoint; --lr, "
                    + "--schedule, --hp or a per-rule option replace its hyper-parameters (a new learning rate, say).")
    Path resume;

    @Option(names = "--no-progress", description = "No progress bar (none is drawn anyway when stderr is not a "
            + "terminal).")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    /** The training and test parts of the data. */
    record Split(Dataset train, Dataset test, String description) {
    }

    /** One rule's training: everything a checkpoint would have to save (θ, optimizer state, epoch). */
    record Run(String label, UpdateRule rule, Mlp mlp, Optimizer optimizer, Buffer theta, Trainer trainer,
               List<EpochResult> results) {
    }

    @Override
    public Integer call() {
        validate();
        PrintWriter console = spec.commandLine().getOut();
        Split split = loadData();
        Checkpoint resumed = readResume();
        List<UpdateRule> rules = new ArrayList<>();
        if (resumed != null) {
            rules.add(resumedRule(resumed.rule()));
            resumedFormat = resumed.snapshot().state().values().stream().map(org.optim4j.state.BufferData::format)
                    .filter(f -> f != StateFormat.FLOAT32).findFirst().orElse(StateFormat.FLOAT32);
            resumedFlat = resumed.snapshot().tensors().size() == 1
                    && resumed.snapshot().tensors().get(0).name().equals(Optimizer.WHOLE_TENSOR);
            String savedMinSize = resumed.metadata().get(TrainingCheckpoint.PREFIX + INT8_MIN_SIZE);
            if (int8MinSize == null && savedMinSize != null) { // the same blocks as the saved run's int8 state
                try {
                    int8MinSize = Integer.parseInt(savedMinSize);
                } catch (NumberFormatException e) {
                    throw new ParameterException(spec.commandLine(), "--resume " + resume + ": its " + INT8_MIN_SIZE
                            + " '" + savedMinSize + "' is not a number");
                }
            }
        } else if (compare) {
            for (String id : compareRules != null ? compareRules : RULES) {
                rules.add(ruleFor(id));
            }
        } else {
            rules.add(ruleFor(rule == null ? "adam" : rule));
        }
        checkFits(split, rules);
        console.printf("%s; network %s; batch %d; %d epochs; engine %s; seed %d%n", split.description(),
                architecture(split), batchSize, epochs, engineName, seed);
        if (warmupEpochs > 0) {
            Run warmup = newRun(rules.get(0), split);
            for (int e = 0; e < warmupEpochs; e++) {
                epoch(warmup, e, null);
            }
            console.printf("(warm-up: %d untimed epoch(s) of %s on a throw-away network)%n", warmupEpochs,
                    rules.get(0).id());
        }
        List<Run> runs = new ArrayList<>();
        for (UpdateRule r : rules) {
            Run run = newRun(r, split);
            int firstEpoch = resumed == null ? 0 : restore(run, resumed);
            console.printf("%n%s on backend %s%s%n", run.label(), run.optimizer().backend().name(),
                    resumed == null ? "" : ", resumed from " + resume + " after epoch " + firstEpoch);
            console.flush();
            for (int e = firstEpoch; e < epochs; e++) {
                EpochResult result = train(run, e);
                console.printf(Locale.ROOT, "epoch %3d/%d  train loss %-9s  test accuracy %-6s  %9s samples/s%n",
                        e + 1, epochs, Fmt.sig(result.trainLoss()), Fmt.sig(result.testAccuracy()),
                        Fmt.rate(result.samplesPerSecond()));
                Schedule alpha = run.rule().hyperParameters().get(Params.LEARNING_RATE.name());
                if (alpha instanceof ReduceOnPlateau plateau && plateau.observe(result.trainLoss())) {
                    console.printf(Locale.ROOT, "(plateau: learning rate reduced to %s)%n", Fmt.sig(plateau.rate()));
                }
                console.flush();
                if (checkpoint != null) {
                    save(run);
                }
            }
            if (run.optimizer().skippedSteps() > 0) {
                console.printf("(%s: skipped %s step(s) whose gradient was not finite, as --non-finite skip asks)%n",
                        run.rule().id(), Fmt.count(run.optimizer().skippedSteps()));
            }
            runs.add(run);
        }
        summarise(runs, console);
        console.println("(speed of the training steps: samples/s = median over epochs, wall clock; per CPU-second = "
                + "all epochs' samples over the process CPU time they took, JIT included, which a busy machine "
                + "disturbs less)");
        if (compare || out != null) {
            writeOutputs(runs, outputDirectory(), console);
        }
        console.flush();
        return 0;
    }

    private Checkpoint readResume() {
        if (resume == null) {
            return null;
        }
        try {
            return Checkpoint.read(resume);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + ": " + e.getMessage());
        }
    }

    /** Restores θ and the optimizer state of {@code run} from {@code cp}; returns the first epoch still to train. */
    private int restore(Run run, Checkpoint cp) {
        int done;
        try {
            done = TrainingCheckpoint.resume(cp, run.optimizer(), run.theta(), batchesPerEpoch(run), runDescription(run),
                    !UpdateRule.sameDefinition(run.rule(), cp.rule()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + ": " + e.getMessage());
        }
        if (done >= epochs) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + ": the checkpoint is after epoch "
                    + done + ", so --epochs must be more than " + done + ", got " + epochs);
        }
        return done;
    }

    /** What makes a resumed run the same run: a checkpoint of another seed, data, network or batch size is refused. */
    private Map<String, String> runDescription(Run run) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--seed", Long.toString(seed));
        m.put("--data", data == null ? "the shipped digits" : data.toAbsolutePath().normalize().toString());
        m.put("network", run.mlp().architecture().toString());
        m.put("--batch-size", Integer.toString(batchSize));
        if (run.optimizer().stateFormat() == StateFormat.INT8 && !run.optimizer().tensors().get(0).name()
                .equals(Optimizer.WHOLE_TENSOR)) { // it decides the int8 blocks
            m.put(INT8_MIN_SIZE, Integer.toString(int8MinSize != null ? int8MinSize
                    : Optimizer.DEFAULT_INT8_MIN_TENSOR_SIZE));
        }
        return m;
    }

    private int batchesPerEpoch(Run run) {
        return (int) Math.ceil(run.trainer().trainingRows() / (double) batchSize);
    }

    private void save(Run run) {
        try {
            TrainingCheckpoint.save(checkpoint, run.optimizer(), run.theta(), runDescription(run));
        } catch (IOException e) {
            throw new Main.UserError(spec.commandLine(), "--checkpoint " + checkpoint + ": cannot write it ("
                    + OutputPaths.reason(e) + ")");
        }
    }

    private void validate() {
        if (compareRules != null) {
            compare = true;
            List<String> seen = new ArrayList<>();
            for (String id : compareRules) {
                if (seen.contains(id.trim())) {
                    throw new ParameterException(spec.commandLine(), "--rules lists '" + id.trim() + "' twice");
                }
                seen.add(id.trim());
                if (!Rules.ids().contains(id.trim())) {
                    throw new ParameterException(spec.commandLine(), "--rules: unknown rule '" + id.trim() + "'; known: "
                            + String.join(", ", Rules.ids()));
                }
            }
            compareRules = seen;
        }
        if (compare && (checkpoint != null || resume != null)) {
            throw new ParameterException(spec.commandLine(), "--checkpoint and --resume train one rule: not with --compare");
        }
        if (resume != null && rule != null) {
            throw new ParameterException(spec.commandLine(), "--resume takes the rule from the checkpoint: drop --rule "
                    + rule);
        }
        if (epochs < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs must be >= 1, got " + epochs);
        }
        if (warmupEpochs < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup-epochs must be >= 0, got " + warmupEpochs);
        }
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be >= 1, got " + batchSize);
        }
        if (lr != null && schedule != null) {
            throw new ParameterException(spec.commandLine(), "give --lr or --schedule, not both (got --lr " + lr
                    + " and --schedule " + schedule + ")");
        }
        if (compare && rule != null) {
            throw new ParameterException(spec.commandLine(), "--compare trains every rule; drop --rule " + rule);
        }
        if (compare && (lr != null || schedule != null)) {
            throw new ParameterException(spec.commandLine(),
                    "--compare uses each rule's default learning rate; drop --lr/--schedule");
        }
        if (compare && hp != null) {
            throw new ParameterException(spec.commandLine(), "--hp sets one rule's hyper-parameters: not with --compare "
                    + "(drop --hp " + hp + ")");
        }
        if (!nesterovForm.equals("spec") && !nesterovForm.equals("reparametrised")) {
            throw new ParameterException(spec.commandLine(),
                    "--nesterov-form must be spec or reparametrised, got '" + nesterovForm + "'");
        }
        if (!nonFinite.equals("fail") && !nonFinite.equals("skip")) {
            throw new ParameterException(spec.commandLine(), "--non-finite must be fail or skip, got '" + nonFinite + "'");
        }
        try {
            if (stateFormat != null) {
                StateFormat.parse(stateFormat);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--state: " + e.getMessage());
        }
        if (int8MinSize != null && int8MinSize < 0) {
            throw new ParameterException(spec.commandLine(), "--int8-min-size must be >= 0, got " + int8MinSize);
        }
        if (classes != null && classes < 1) {
            throw new ParameterException(spec.commandLine(), "--classes must be >= 1, got " + classes);
        }
        try {
            hiddenSizes();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            Engine.parse(engineName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--engine: " + e.getMessage());
        }
        try {
            Activation.parse(activation);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--activation: " + e.getMessage());
        }
        if (!backendName.trim().equalsIgnoreCase(Backends.AUTO)) {
            backend(null, 0);
        }
        if (compare || out != null) {
            OutputPaths.checkDirectory(spec.commandLine(), "--out", outputDirectory());
        }
        if (checkpoint != null) {
            OutputPaths.checkFile(spec.commandLine(), "--checkpoint", checkpoint);
        }
    }

    private Path outputDirectory() {
        return out == null ? Path.of("optim4j-out") : out;
    }

    /**
     * Refuses, before anything is allocated, a network whose parameters one flat buffer cannot index or
     * that would not fit in this JVM's heap with every run's copies, state and activations.
     */
    private void checkFits(Split split, List<UpdateRule> rules) {
        int[] h = hiddenSizes();
        long[] sizes = new long[h.length + 2];
        sizes[0] = split.train().featureCount();
        for (int i = 0; i < h.length; i++) {
            sizes[i + 1] = h[i];
        }
        sizes[sizes.length - 1] = split.train().classCount();
        String network = Arrays.stream(sizes).mapToObj(Long::toString).collect(java.util.stream.Collectors.joining("-"));
        long parameters = Footprint.parameters(sizes);
        if (parameters > Footprint.MAX_PARAMETERS) {
            throw new ParameterException(spec.commandLine(), "--hidden " + hidden + ": the network " + network
                    + " would have " + Fmt.count(parameters) + " parameters; the limit is "
                    + Fmt.count(Footprint.MAX_PARAMETERS) + " (one flat float buffer)");
        }
        long needed = Footprint.bytes(sizes, batchSize, rules, nesterovForm.equals("spec"));
        long heap = Runtime.getRuntime().maxMemory();
        // The batch's activations alone too many: name the batch size, not the layers.
        String option = Footprint.bytes(sizes, 1, rules, nesterovForm.equals("spec")) <= heap / 2
                ? "--batch-size " + batchSize : "--hidden " + hidden;
        if (needed > heap) {
            throw new ParameterException(spec.commandLine(), option + ": training the network "
                    + network + " (" + Fmt.count(parameters) + " parameters" + (rules.size() > 1 ? ", "
                    + rules.size() + " rules side by side" : "") + ", batch " + batchSize + ") needs about "
                    + Fmt.bytes(needed) + " of heap but this JVM may use " + Fmt.bytes(heap)
                    + ": use " + (option.startsWith("--batch") ? "a smaller batch" : "smaller layers")
                    + ", or give java more (./optim4j -Xmx" + ((needed >> 30) + 2) + "g train …)");
        }
    }

    private int[] hiddenSizes() {
        if (hidden.isBlank()) {
            return new int[0];
        }
        try {
            int[] sizes = Arrays.stream(hidden.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            for (int n : sizes) {
                if (n < 1) {
                    throw new NumberFormatException();
                }
            }
            return sizes;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--hidden must be sizes >= 1 separated by commas, got '" + hidden + "'");
        }
    }

    /** The digits (pixels / 16) or --data (features / the training part's largest), split 80/20 by the seed. */
    Split loadData() {
        if (data == null) {
            Dataset digits = Digits.load();
            if (classes != null) {
                if (classes < digits.classCount()) {
                    throw new ParameterException(spec.commandLine(), "--classes " + classes + ": the digits have "
                            + digits.classCount() + " classes (labels 0..9)");
                }
                digits = digits.withClassCount(classes);
            }
            Dataset.Split s = digits.scaledBy(Digits.MAX_PIXEL).split(0.8, seed);
            return new Split(s.train(), s.test(), "UCI digits: " + s.train().rows() + " train, " + s.test().rows()
                    + " test rows, pixels / " + Fmt.param(Digits.MAX_PIXEL));
        }
        OutputPaths.checkReadable(spec.commandLine(), "--data", data);
        Dataset all;
        try {
            all = CsvDatasetReader.read(data, classes == null ? 0 : classes);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--data " + data + ": cannot read it ("
                    + OutputPaths.reason(e) + ")");
        } catch (EmptyClassesException e) {
            throw new ParameterException(spec.commandLine(), "--data " + data + ": labels "
                    + EmptyClassesException.list(e.labels()) + " leave " + (e.classCount() - e.labels().length)
                    + " of " + e.classCount() + " classes without a row; renumber them 0.." + (e.labels().length - 1)
                    + ", or give --classes " + e.classCount() + " to train a " + e.classCount() + "-class network");
        } catch (MalformedDataException e) {
            if (classes != null && e.problems().stream().anyMatch(p -> p.contains("number of classes"))) {
                throw new ParameterException(spec.commandLine(), "--classes " + classes + ": " + data + " has "
                        + e.problems().get(0));
            }
            throw new ParameterException(spec.commandLine(), "--data " + data + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--data " + data + ": " + e.getMessage());
        }
        if (all.rows() < 2) {
            throw new ParameterException(spec.commandLine(), "--data " + data + ": has " + all.rows() + " row; "
                    + "training needs at least 2 (one to train on, one to test)");
        }
        Dataset.Split s = all.split(0.8, seed);
        float max = s.train().maxFeature();
        float divisor = max > 0 ? max : 1f;
        return new Split(s.train().scaledBy(divisor), s.test().scaledBy(divisor), data + ": " + s.train().rows()
                + " train, " + s.test().rows() + " test rows, features / " + Fmt.param(divisor)
                + " (the training part's largest)");
    }

    private MlpArchitecture architecture(Split split) {
        int[] h = hiddenSizes();
        int[] sizes = new int[h.length + 2];
        sizes[0] = split.train().featureCount();
        System.arraycopy(h, 0, sizes, 1, h.length);
        sizes[sizes.length - 1] = Math.max(split.train().classCount(), split.test().classCount());
        return MlpArchitecture.of(Activation.parse(activation), sizes);
    }

    /**
     * The registered rule {@code id} with the options' hyper-parameters ({@link #optionValues}); the learning
     * rate, when no option gives it, is this command's default for the rule ({@link #SWEPT_LEARNING_RATES}) or
     * the registry's; every other parameter not given is the registry's default.
     */
    UpdateRule ruleFor(String id) {
        RuleType type;
        try {
            type = Rules.type(id.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--rule: " + e.getMessage());
        }
        try {
            Map<String, Schedule> values = optionValues(type);
            Double swept = SWEPT_LEARNING_RATES.get(type.id());
            if (swept != null && hasParam(type, Params.LEARNING_RATE.name())) {
                values.putIfAbsent(Params.LEARNING_RATE.name(), Schedule.constant(swept));
            }
            return Rules.create(type.id(), values);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * The checkpoint's rule, with the hyper-parameters the options give (if any) in place of its own; the
     * optimizer then restores the checkpoint's state keeping these ({@code Checkpoint.restore(…, true)}).
     */
    private UpdateRule resumedRule(UpdateRule saved) {
        try {
            Map<String, Schedule> given = optionValues(Rules.type(saved.id()));
            if (given.isEmpty()) {
                return saved;
            }
            Map<String, Schedule> values = new LinkedHashMap<>(saved.hyperParameters());
            values.putAll(given);
            return Rules.create(saved.id(), values);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + ": " + e.getMessage());
        }
    }

    /**
     * The hyper-parameters the options give for {@code type}, by the parameters' names: --lr or --schedule as
     * {@code learning_rate}; --rho, --rho1, --rho2, --epsilon for the rules that have that parameter (so they
     * apply across --compare); then --hp. A parameter given by two options is refused, naming both.
     *
     * @throws IllegalArgumentException naming the option, the parameter and the value
     */
    Map<String, Schedule> optionValues(RuleType type) {
        Map<String, Schedule> values = new LinkedHashMap<>();
        Map<String, String> givenBy = new LinkedHashMap<>();
        if (schedule != null) {
            give(values, givenBy, type, Params.LEARNING_RATE.name(), Schedule.parse(schedule), "--schedule " + schedule);
        } else if (lr != null) {
            Schedule alpha;
            try {
                alpha = Schedule.constant(lr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--lr: " + e.getMessage(), e);
            }
            give(values, givenBy, type, Params.LEARNING_RATE.name(), alpha, "--lr " + lr);
        }
        Map<String, Double> shorthands = new LinkedHashMap<>();
        shorthands.put("rho", rho);
        shorthands.put("rho1", rho1);
        shorthands.put("rho2", rho2);
        shorthands.put("epsilon", epsilon);
        for (Map.Entry<String, Double> e : shorthands.entrySet()) {
            if (e.getValue() != null && hasParam(type, e.getKey())) {
                Param p = param(type, e.getKey());
                String option = "--" + e.getKey() + " " + e.getValue();
                Schedule value;
                try {
                    value = Rules.value(p, Double.toString(e.getValue()));
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException(option + ": " + x.getMessage(), x);
                }
                give(values, givenBy, type, p.name(), value, option);
            }
        }
        if (hp != null) {
            Map<String, Schedule> parsed;
            try {
                parsed = Rules.parse(type.id(), hp);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--hp " + hp + ": " + e.getMessage(), e);
            }
            for (Map.Entry<String, Schedule> e : parsed.entrySet()) {
                give(values, givenBy, type, param(type, e.getKey()).name(), e.getValue(), "--hp " + e.getKey());
            }
        }
        return values;
    }

    private static void give(Map<String, Schedule> values, Map<String, String> givenBy, RuleType type, String name,
                             Schedule value, String option) {
        if (!hasParam(type, name)) {
            throw new IllegalArgumentException(option + ": rule '" + type.id() + "' has no hyper-parameter '" + name
                    + "'");
        }
        String before = givenBy.putIfAbsent(name, option);
        if (before != null) {
            throw new IllegalArgumentException(name + " is given twice: by " + before + " and by " + option);
        }
        values.put(name, value);
    }

    private static boolean hasParam(RuleType type, String key) {
        return type.params().stream().anyMatch(p -> p.answersTo(key));
    }

    private static Param param(RuleType type, String key) {
        return type.params().stream().filter(p -> p.answersTo(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("rule '" + type.id() + "' has no hyper-parameter '"
                        + key + "'"));
    }

    /** The registered rule ids, for --rule's help and completion. */
    static final class RuleIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Rules.ids().iterator();
        }
    }

    /** Appends to the help every registered rule with its hyper-parameters, defaults and ranges ({@link Rules#types()}). */
    static final class RuleHelp implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            commandSpec.usageMessage().footerHeading("%nRules (--rule NAME), with the defaults train uses:%n");
            commandSpec.usageMessage().footer(ruleHelp().stream().map(l -> l.replace("%", "%%")).toArray(String[]::new));
            return commandSpec;
        }
    }

    private static final int HELP_WIDTH = 78;

    /**
     * The rules' part of the help: per registered rule its id, summary and {@code name=default} of each
     * hyper-parameter (the learning rate this command's default for the rule), then each hyper-parameter once
     * with its aliases, valid values and meaning.
     */
    static List<String> ruleHelp() {
        List<String> lines = new ArrayList<>();
        Map<String, Param> glossary = new LinkedHashMap<>();
        for (RuleType type : Rules.types()) {
            wrap(lines, String.format(Locale.ROOT, "  %-10s ", type.id()), type.summary());
            List<String> values = new ArrayList<>();
            for (Param p : type.params()) {
                Double swept = SWEPT_LEARNING_RATES.get(type.id());
                double d = p.name().equals(Params.LEARNING_RATE.name()) && swept != null ? swept : p.defaultValue();
                values.add(p.name() + "=" + (Double.isNaN(d) ? "(required)" : number(d)));
                glossary.putIfAbsent(p.name() + p.aliases() + p.range() + p.description(), p);
            }
            wrap(lines, " ".repeat(13), String.join(", ", values));
        }
        lines.add("");
        wrap(lines, "", "Hyper-parameters, for --hp KEY=VALUE,… by name or alias; a value is a number or a "
                + "schedule (linear:α0,ατ,τ). --lr/--schedule, --rho, --rho1, --rho2, --epsilon are shorthands:");
        for (Param p : glossary.values()) {
            String aliases = p.aliases().isEmpty() ? "" : " (" + String.join(", ", p.aliases()) + ")";
            wrap(lines, "  ", p.name() + aliases + ", " + p.range() + ": " + p.description());
        }
        return lines;
    }

    /** {@code text} after {@code lead}, wrapped at spaces; continuation lines indented by lead's width + 2 (if any). */
    private static void wrap(List<String> lines, String lead, String text) {
        StringBuilder line = new StringBuilder(lead);
        String indent = " ".repeat(lead.isEmpty() ? 0 : lead.length() + 2);
        boolean empty = true;
        for (String word : text.split(" ")) {
            if (!empty && line.length() + 1 + word.length() > HELP_WIDTH) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
            empty = false;
        }
        lines.add(line.toString());
    }

    private static String number(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toString().replace("E", "e");
    }

    /** Network, optimizer and freshly initialised parameters for one rule. */
    Run newRun(UpdateRule r, Split split) {
        MlpArchitecture arch = architecture(split);
        Backend backend = backend(r, arch.parameterCount());
        Mlp mlp = Mlp.create(arch, Engine.parse(engineName), batchSize);
        Optimizer.Builder builder = Optimizer.builder(r).backend(backend);
        // A rule with per-tensor norms (LAMB) needs the network's tensors W1, b1, …, and so does int8 state, whose
        // blocks follow the tensors (unless resuming a checkpoint written flat); the others keep the flat layout
        // their checkpoints were written with.
        boolean perTensor = r.transforms().stream()
                .anyMatch(t -> t.reduction() == org.optim4j.transform.Transform.Reduction.PER_TENSOR_NORMS);
        if (int8MinSize != null) {
            builder.int8MinTensorSize(int8MinSize);
        }
        if (perTensor || (stateFormat() == StateFormat.INT8 && !resumedFlat)) {
            builder.layout(arch.parameterSet(backend));
        } else {
            builder.parameterCount(arch.parameterCount());
        }
        Optimizer optimizer = builder.nonFinitePolicy(nonFinite.equals("skip") ? NonFinitePolicy.SKIP_STEP : NonFinitePolicy.FAIL)
                .stateFormat(stateFormat()).build();
        Buffer theta = optimizer.newBuffer();
        mlp.initialise(theta, seed);
        Trainer.NesterovForm form = nesterovForm.equals("spec")
                ? Trainer.NesterovForm.SPEC : Trainer.NesterovForm.REPARAMETRISED;
        Trainer trainer = new Trainer(mlp, optimizer, theta, split.train(), split.test(), batchSize, seed, form);
        return new Run(RuleText.describe(r, nesterovForm), r, mlp, optimizer, theta, trainer, new ArrayList<>());
    }

    /** The backend named by --backend, or with auto the one selection picks for {@code r} and {@code size}. */
    private Backend backend(UpdateRule r, int size) {
        try {
            return r == null ? Backends.byName(backendName) : Backends.named(backendName, r, size);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--backend " + backendName + ": " + e.getMessage());
        }
    }

    /** Trains epoch {@code epoch} of {@code run} under a progress bar and records its result. */
    EpochResult train(Run run, int epoch) {
        EpochResult result;
        try (ProgressBar bar = noProgress ? null : Progress.bar(String.format("%s epoch %d/%d", run.rule().id(),
                epoch + 1, epochs), batchesPerEpoch(run), true)) {
            result = epoch(run, epoch, bar);
        }
        run.results().add(result);
        return result;
    }

    /** One epoch of {@code run}, stepping {@code bar} if there is one; a non-finite gradient ends the command. */
    private EpochResult epoch(Run run, int epoch, ProgressBar bar) {
        int batches = batchesPerEpoch(run);
        int[] done = {0};
        try {
            return run.trainer().epoch(epoch, new Trainer.Listener() {
                @Override
                public void batchDone(int e, int batchIndex, int batchCount) {
                    done[0] = batchIndex + 1;
                    if (bar != null) {
                        bar.step();
                    }
                }
            });
        } catch (NonFiniteGradientException e) {
            throw diverged(run, epoch, done[0], batches, e);
        }
    }

    /** The rule, the step, the network's tensor and what to do about it, in one line. */
    private Main.UserError diverged(Run run, int epoch, int batchesDone, int batches, NonFiniteGradientException e) {
        String tensor = e.tensor();
        int index = e.index();
        if (tensor.equals("gradient")) { // a flat buffer: name the tensor of the network's layout (W1, b1, W2, …)
            MlpArchitecture arch = run.mlp().architecture();
            for (int l = 1; l <= arch.layerCount(); l++) {
                if (e.flatIndex() >= arch.weightOffset(l)) {
                    boolean bias = e.flatIndex() >= arch.biasOffset(l);
                    tensor = (bias ? "b" : "W") + l;
                    index = e.flatIndex() - (bias ? arch.biasOffset(l) : arch.weightOffset(l));
                }
            }
        }
        long step = (long) epoch * batches + batchesDone;
        String rate = schedule != null ? "--schedule " + schedule
                : "--lr " + Fmt.params(run.rule().learningRate().toString());
        return new Main.UserError(spec.commandLine(), run.label() + " diverged: the gradient of step t=" + step
                + " (epoch " + (epoch + 1) + ", batch " + (batchesDone + 1) + " of " + batches + ") is "
                + Fmt.sig(e.value()) + " at " + tensor + "[" + index + "]; " + (compare
                ? "train it alone (--rule " + run.rule().id() + ") with a lower --lr" : "lower " + rate)
                + ", or give --non-finite skip to skip such steps");
    }

    /** The median over epochs: robust to JIT warm-up in the first epoch and to bursts of other load. */
    static double median(List<EpochResult> results, java.util.function.ToDoubleFunction<EpochResult> speed) {
        double[] s = results.stream().mapToDouble(speed).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private void summarise(List<Run> runs, PrintWriter console) {
        int width = Math.max(4, runs.stream().mapToInt(r -> r.label().length()).max().orElse(4));
        console.printf("%n%-" + width + "s %10s %10s %10s %12s %14s%n", "rule", "final loss", "final acc", "best acc",
                "samples/s", "per CPU-second");
        for (Run run : runs) {
            List<EpochResult> r = run.results();
            EpochResult last = r.get(r.size() - 1);
            double best = r.stream().mapToDouble(EpochResult::testAccuracy).max().orElse(Double.NaN);
            double cpuSeconds = r.stream().mapToDouble(EpochResult::cpuSeconds).sum();
            console.printf(Locale.ROOT, "%-" + width + "s %10s %10s %10s %12s %14s%n", run.label(),
                    Fmt.sig(last.trainLoss()), Fmt.sig(last.testAccuracy()), Fmt.sig(best),
                    Fmt.rate(median(r, EpochResult::samplesPerSecond)),
                    Fmt.rate(cpuSeconds > 0 ? r.stream().mapToDouble(EpochResult::samples).sum() / cpuSeconds : Double.NaN));
        }
    }

    private void writeOutputs(List<Run> runs, Path dir, PrintWriter console) {
        System.setProperty("java.awt.headless", "true");
        try {
            Files.createDirectories(dir);
            Path csv = dir.resolve(compare ? "compare.csv" : "train-" + runs.get(0).rule().id() + ".csv");
            List<String> lines = new ArrayList<>();
            lines.add("rule,learning_rate,epoch,train_loss,test_accuracy,samples_per_second,seconds,cpu_seconds");
            for (Run run : runs) {
                for (EpochResult e : run.results()) {
                    // Losses and accuracies in full (a loss of 1e-7 must not print as 0.000000).
                    lines.add(Csv.record(List.of(run.rule().id(), run.rule().learningRate(), e.epoch() + 1,
                            e.trainLoss(), e.testAccuracy(), String.format(Locale.ROOT, "%.0f", e.samplesPerSecond()),
                            String.format(Locale.ROOT, "%.6f", e.seconds()),
                            String.format(Locale.ROOT, "%.3f", e.cpuSeconds()))));
                }
            }
            Files.write(csv, lines);
            String prefix = compare ? "compare-" : "train-" + runs.get(0).rule().id() + "-";
            Path loss = dir.resolve(prefix + "loss.png");
            Path accuracy = dir.resolve(prefix + "accuracy.png");
            String network = " — " + runs.get(0).mlp().architecture() + ", batch " + batchSize;
            Plots.save(Plots.lossChart("Training loss (mean cross-entropy per epoch)" + network,
                    series(runs, EpochResult::trainLoss)), loss);
            Plots.save(Plots.accuracyCharts("Test accuracy" + network, series(runs, EpochResult::testAccuracy)),
                    accuracy);
            console.printf("%nwrote %s%nwrote %s%nwrote %s%n", loss.toAbsolutePath(), accuracy.toAbsolutePath(),
                    csv.toAbsolutePath());
        } catch (IOException e) {
            throw new Main.UserError(spec.commandLine(), "--out " + dir + ": cannot write there ("
                    + OutputPaths.reason(e) + ")");
        }
    }

    /** Each run's {@code value} per epoch, for a plot. */
    static List<Plots.Series> series(List<Run> runs, java.util.function.ToDoubleFunction<EpochResult> value) {
        List<Plots.Series> series = new ArrayList<>();
        for (Run run : runs) {
            series.add(new Plots.Series(run.label(),
                    run.results().stream().mapToDouble(e -> e.epoch() + 1).toArray(),
                    run.results().stream().mapToDouble(value).toArray()));
        }
        return series;
    }
}

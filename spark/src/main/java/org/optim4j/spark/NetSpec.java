package org.optim4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.optim4j.network.Activation;
import org.optim4j.network.MlpArchitecture;

/** An {@link MlpArchitecture} as data Spark can ship: layer sizes and hidden activations. */
record NetSpec(int[] sizes, Activation[] hidden) implements Serializable {

    static NetSpec of(MlpArchitecture a) {
        Activation[] h = new Activation[a.layerCount() - 1];
        for (int l = 1; l < a.layerCount(); l++) {
            h[l - 1] = a.activation(l);
        }
        return new NetSpec(a.sizes(), h);
    }

    MlpArchitecture architecture() {
        return new MlpArchitecture(sizes, List.of(hidden));
    }

    /** A key for caches: equal specs give equal keys. */
    String key() {
        List<String> parts = new ArrayList<>();
        for (int s : sizes) {
            parts.add(Integer.toString(s));
        }
        for (Activation a : hidden) {
            parts.add(a.name());
        }
        return String.join(",", parts);
    }
}

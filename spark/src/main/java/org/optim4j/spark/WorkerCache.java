package org.optim4j.spark;

import java.util.HashMap;
import java.util.Map;
import org.optim4j.network.Batch;
import org.optim4j.network.Engine;
import org.optim4j.network.Mlp;

/**
 * One network and batch per executor thread and shape, so a task does not allocate the network's work space
 * each step ({@link Mlp} is not thread-safe; Spark runs one task per thread).
 */
final class WorkerCache {
    private static final ThreadLocal<Map<String, Net>> CACHE = ThreadLocal.withInitial(HashMap::new);

    private WorkerCache() {
    }

    record Net(Mlp mlp, Batch batch) {
    }

    static Net net(NetSpec spec, int batchRows) {
        String key = spec.key() + "/" + batchRows;
        return CACHE.get().computeIfAbsent(key, k -> new Net(Mlp.create(spec.architecture(), Engine.JAVA, batchRows),
                Batch.allocate(batchRows, spec.sizes()[0])));
    }
}

// A plain timing loop (see README.md here): QuantCodec.get() (or the scalar one) per block, ns/element.
import org.optim4j.quant.*;

public class CodecTiming {
    public static void main(String[] a) {
        QuantCodec c = a.length > 0 && a[0].equals("scalar") ? QuantCodec.SCALAR : QuantCodec.get();
        System.out.println("codec " + c);
        int n = 2048, blocks = 32;
        float[] src = new float[n * blocks];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < src.length; i++) src[i] = (float) r.nextGaussian() * 1e-3f;
        byte[] codes = new byte[src.length];
        float[] dst = new float[src.length];
        char[] h = new char[src.length];
        float[] absmax = new float[blocks];
        double bd = 1e9, be = 1e9, hd = 1e9, he = 1e9;
        for (int round = 0; round < 200; round++) {
            long t0 = System.nanoTime();
            for (int b = 0; b < blocks; b++) absmax[b] = c.encodeInt8(DynamicMap.SIGNED, src, b * n, n, codes, b * n);
            long t1 = System.nanoTime();
            for (int b = 0; b < blocks; b++) c.decodeInt8(DynamicMap.SIGNED, codes, b * n, absmax[b], dst, b * n, n);
            long t2 = System.nanoTime();
            c.encodeBf16(src, 0, h, 0, src.length);
            long t3 = System.nanoTime();
            c.decodeBf16(h, 0, dst, 0, src.length);
            long t4 = System.nanoTime();
            be = Math.min(be, (t1 - t0) / (double) src.length);
            bd = Math.min(bd, (t2 - t1) / (double) src.length);
            he = Math.min(he, (t3 - t2) / (double) src.length);
            hd = Math.min(hd, (t4 - t3) / (double) src.length);
        }
        System.out.printf("int8 encode %.3f decode %.3f ns/elem; bf16 encode %.3f decode %.3f%n", be, bd, he, hd);
    }
}

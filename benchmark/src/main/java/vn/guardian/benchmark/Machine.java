package vn.guardian.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import vn.guardian.transcriber.recognition.Allocator;

/** Which machine the figures come from, and how busy it was: the other tenants' load skews every figure. */
public final class Machine {

    private Machine() {
    }

    public static Map<String, Object> describe(int cores) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpuModel", cpuModel());
        machine.put("cores", cores);
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        machine.put("allocator", Allocator.current().name().toLowerCase()); // decoding speed differs by allocator
        machine.put("loadAverageBefore", loadAverage());
        return machine;
    }

    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}

package vn.guardian.transcriber.recognition;

/** Run by {@link AllocatorTest} in a JVM of its own: prints what the allocator does before and after the switch. */
public final class AllocatorProbe {

    public static void main(String[] args) throws Exception {
        boolean before = Allocator.backgroundThreadsRunning();
        boolean switched = Allocator.purgeInBackground();
        boolean after = Allocator.backgroundThreadsRunning();
        // a child inherits the environment, not the threads: unshare must still work, as embedded PostgreSQL needs
        int unshare = new ProcessBuilder("unshare", "-U", "true").inheritIO().start().waitFor();
        System.out.println("allocator=" + Allocator.current() + " before=" + before + " switched=" + switched
                + " after=" + after + " childUnshare=" + unshare);
    }
}

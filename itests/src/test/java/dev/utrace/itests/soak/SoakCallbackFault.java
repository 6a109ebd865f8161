package dev.utrace.itests.soak;

/** Thrown on purpose by a soak engine's callback; the core must contain it (log it and detach the engine). */
final class SoakCallbackFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SoakCallbackFault(String callback) {
        super("soak engine throws from " + callback + " on purpose", null, false, false);
    }
}

package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.KilnException;
import dev.kiln.tracer.Fn1;
import dev.kiln.tracer.Tensor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backend discovery and choice. The test class path registers, besides the interpreter, an
 * unavailable backend of the highest priority, a provider class that does not exist, and a
 * counting backend of low priority (src/test/resources/META-INF/services).
 */
class BackendsTest {

    @AfterEach
    void restoreDefaults() {
        Kiln.setBackend(null);
        System.clearProperty("kiln.backend");
    }

    private static void assertMentions(String message, String... fragments) {
        for (String f : fragments) {
            assertTrue(message.contains(f), () -> "expected '" + f + "' in: " + message);
        }
    }

    @Test
    void devicesListTheInterpreterAsAvailable() {
        List<Kiln.DeviceInfo> devices = Kiln.devices();
        Kiln.DeviceInfo interp = devices.stream().filter(d -> d.name().equals("interpreter")).findFirst().orElseThrow();
        assertTrue(interp.available());
        assertEquals(0, interp.priority());
        assertMentions(interp.description(), "reference interpreter");
    }

    @Test
    void devicesAreSortedByPriorityAndSayWhyABackendCannotRun() {
        List<Kiln.DeviceInfo> devices = Kiln.devices();
        for (int i = 1; i < devices.size(); i++) {
            assertTrue(devices.get(i - 1).priority() >= devices.get(i).priority(), devices.toString());
        }
        Kiln.DeviceInfo unavailable = devices.getFirst();
        assertEquals(UnavailableBackend.NAME, unavailable.name());
        assertEquals(false, unavailable.available());
        assertEquals(UnavailableBackend.REASON, unavailable.description());
    }

    @Test
    void aProviderThatFailsToLoadIsSkippedAndTheRestAreFound() {
        List<String> names = Backends.all().stream().map(Backend::name).toList();
        assertTrue(names.containsAll(List.of("interpreter", CountingBackend.NAME, UnavailableBackend.NAME)), names.toString());
    }

    @Test
    void theDefaultIsTheAvailableBackendOfHighestPriority() {
        Backend d = Backends.defaultBackend();
        assertNotEquals(UnavailableBackend.NAME, d.name());
        for (Backend b : Backends.all()) {
            if (Backends.availability(b).available()) {
                assertTrue(b.priority() <= d.priority(), b.name() + " outranks the default " + d.name());
            }
        }
    }

    @Test
    void anUnknownNameListsTheKnownBackends() {
        KilnException e = assertThrows(KilnException.class, () -> Backends.byName("tpu"));
        assertEquals("backend", e.operation());
        assertMentions(e.getMessage(), "unknown backend 'tpu'", "known backends:", "interpreter (available)",
                UnavailableBackend.NAME + " (not available: " + UnavailableBackend.REASON + ")");
    }

    @Test
    void anUnknownBackendInJitOptionsFailsAtTheFirstCall() {
        Fn1<Tensor, Tensor> f = x -> x.neg();
        Fn1<Tensor, Tensor> jf = Kiln.jit(f, JitOptions.defaults().onBackend("cuda9000"));
        KilnException e = assertThrows(KilnException.class, () -> jf.apply(Tensor.of(new float[] {1})));
        assertMentions(e.getMessage(), "unknown backend 'cuda9000'", "interpreter");
    }

    @Test
    void namingAnUnavailableBackendSaysWhyAndWhatIsAvailable() {
        KilnException e = assertThrows(KilnException.class, () -> Kiln.setBackend(UnavailableBackend.NAME));
        assertMentions(e.getMessage(), "'" + UnavailableBackend.NAME + "' is not available here", UnavailableBackend.REASON,
                "available: [", "interpreter");
    }

    @Test
    void namesAreCaseInsensitive() {
        assertEquals("interpreter", Backends.byName("Interpreter").name());
    }

    @Test
    void setBackendAndTheSystemPropertyChooseTheDefault() {
        System.setProperty("kiln.backend", CountingBackend.NAME);
        assertEquals(CountingBackend.NAME, Backends.defaultBackend().name());
        Kiln.setBackend("interpreter");
        assertEquals("interpreter", Backends.defaultBackend().name(), "setBackend wins over the property");
        Kiln.setBackend(null);
        assertEquals(CountingBackend.NAME, Backends.defaultBackend().name());
        System.clearProperty("kiln.backend");
        assertNotEquals(CountingBackend.NAME, Backends.defaultBackend().name());
    }

    @Test
    void setBackendRejectsAnUnknownNameAndKeepsTheChoice() {
        Kiln.setBackend(CountingBackend.NAME);
        assertThrows(KilnException.class, () -> Kiln.setBackend("nope"));
        assertEquals(CountingBackend.NAME, Backends.defaultBackend().name());
    }

    @Test
    void jitCompilesOnTheChosenBackend() {
        CountingBackend.reset();
        Kiln.setBackend(CountingBackend.NAME);
        Fn1<Tensor, Tensor> f = x -> x.add(2);
        Fn1<Tensor, Tensor> jf = Kiln.jit(f);
        Tensor x = Tensor.of(new float[] {1, 2});
        jf.apply(x);
        jf.apply(x);
        assertEquals(1, CountingBackend.compiles.get());
    }
}

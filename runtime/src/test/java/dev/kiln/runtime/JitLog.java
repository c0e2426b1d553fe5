package dev.kiln.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures the records of the {@code dev.kiln.jit} logger while open (try-with-resources). */
final class JitLog implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger("dev.kiln.jit");

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Level previousLevel = LOGGER.getLevel();
    private final boolean previousUseParent = LOGGER.getUseParentHandlers();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    JitLog() {
        handler.setLevel(Level.ALL);
        LOGGER.setLevel(Level.ALL);
        LOGGER.addHandler(handler);
        LOGGER.setUseParentHandlers(false);
    }

    List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages at {@code level}. */
    List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }

    @Override
    public void close() {
        LOGGER.removeHandler(handler);
        LOGGER.setLevel(previousLevel);
        LOGGER.setUseParentHandlers(previousUseParent);
    }
}

package dev.kiln.tracer.tree;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.concurrent.ConcurrentHashMap;

/** Reads record components and calls canonical constructors, with the reflective handles cached. */
final class RecordAccess {
    private record Handles(Method[] accessors, Constructor<?> constructor) {
    }

    private static final ConcurrentHashMap<Class<?>, Handles> CACHE = new ConcurrentHashMap<>();

    private RecordAccess() {
    }

    static Object[] components(Record r) {
        Method[] accessors = handles(r.getClass()).accessors();
        Object[] out = new Object[accessors.length];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = accessors[i].invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read component of " + r.getClass().getName(), e);
            }
        }
        return out;
    }

    static Object construct(Class<? extends Record> type, Object[] parts) {
        try {
            return handles(type).constructor().newInstance(parts);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("cannot rebuild " + type.getName(), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot rebuild " + type.getName(), e);
        }
    }

    private static Handles handles(Class<?> type) {
        return CACHE.computeIfAbsent(type, t -> {
            RecordComponent[] comps = t.getRecordComponents();
            Method[] accessors = new Method[comps.length];
            Class<?>[] types = new Class<?>[comps.length];
            for (int i = 0; i < comps.length; i++) {
                accessors[i] = comps[i].getAccessor();
                accessors[i].setAccessible(true);
                types[i] = comps[i].getType();
            }
            try {
                Constructor<?> c = t.getDeclaredConstructor(types);
                c.setAccessible(true);
                return new Handles(accessors, c);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("record " + t.getName() + " has no canonical constructor", e);
            }
        });
    }
}

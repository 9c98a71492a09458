package dev.llmbench.site.compare;

import java.util.regex.Pattern;

/**
 * One side of a comparison: the revision the user named and the commit it resolved to.
 *
 * @param role   {@code base} or {@code head}
 * @param name   what the user wrote (a branch, tag, commit or expression such as {@code HEAD~1})
 * @param commit the full commit id it resolved to
 */
public record Revision(String role, String name, String commit) {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

    public Revision {
        if (!role.equals("base") && !role.equals("head")) {
            throw new IllegalArgumentException("role must be base or head, got " + role);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must be a non-empty revision");
        }
        if (commit == null || !SHA.matcher(commit).matches()) {
            throw new IllegalArgumentException("commit must be a full hexadecimal commit id, got " + commit);
        }
    }

    /** The release tag its results carry, e.g. {@code base-1a2b3c4}: what the diff shows as the release. */
    public String label() {
        return role + "-" + commit.substring(0, 7);
    }
}

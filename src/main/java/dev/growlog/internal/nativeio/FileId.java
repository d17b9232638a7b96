package dev.growlog.internal.nativeio;

/**
 * Identifies a file on this machine: a descriptor and a name refer to the same file when their
 * device and inode are equal.
 *
 * @param device device number of the file system, {@code major << 32 | minor}
 * @param inode  inode number on that file system
 * @param links  hard links to the file; 0 once every name of it was removed
 */
public record FileId(long device, long inode, int links) {

    /** True when both refer to the same file (the link counts may differ). */
    public boolean sameFile(FileId other) {
        return other != null && device == other.device && inode == other.inode;
    }
}

/// siamd's version, as `--version` prints it and each daemon registers it (`siam.daemon`).
public enum SiamdVersion {
    public static let current = "0.3.0"
}

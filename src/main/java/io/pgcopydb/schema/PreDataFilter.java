package io.pgcopydb.schema;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which pre-data archive entries to restore, as far as extensions go:
 * <ul>
 * <li>CREATE EXTENSION is left out with --skip-extensions, for an extension the filters
 * leave out ([include-only-extension], [exclude-extension]), and for an extension the
 * target already has (created by {@code pgcopydb copy extensions}, or by its DBA);
 * <li>COMMENT ON EXTENSION goes with it, and is also left out with --skip-ext-comments
 * (managed services refuse it);
 * <li>CREATE COLLATION (and its comment) is left out with --skip-collations: the target
 * must then have them;
 * <li>CREATE SCHEMA is left out for a schema the target already has and that holds one of
 * its extensions ({@code copy extensions} created it with its owner), or that has the
 * archive entry's owner (an identical schema made by the DBA; any owner with --no-owner):
 * pg_restore would fail on it. A schema of the same name and another owner is restored,
 * and fails loudly.
 * </ul>
 *
 * @param extensions the extensions whose CREATE EXTENSION entries are restored (not
 * --skip-extensions, not left out by the filters)
 * @param extensionComments restore COMMENT ON EXTENSION entries
 * @param collations restore CREATE COLLATION entries (not --skip-collations)
 * @param targetExtensions the extensions the target has
 * @param targetExtensionSchemas the target's schemas holding one of its extensions
 * @param targetSchemaOwners the target's schemas and their owners
 * @param noOwner --no-owner: owners are not compared
 */
public record PreDataFilter(Predicate<String> extensions, boolean extensionComments, boolean collations,
		Set<String> targetExtensions, Set<String> targetExtensionSchemas, Map<String, String> targetSchemaOwners,
		boolean noOwner) implements Predicate<TocEntry> {

	/** Restores every entry. */
	public static final PreDataFilter ALL = new PreDataFilter(true, true, true, Set.of(), Set.of(), Map.of(), false);

	private static final String EXTENSION_COMMENT = "EXTENSION ";

	/** Every extension restored, or none ({@code --skip-extensions}). */
	public PreDataFilter(boolean extensions, boolean extensionComments, boolean collations,
			Set<String> targetExtensions, Set<String> targetExtensionSchemas, Map<String, String> targetSchemaOwners,
			boolean noOwner) {
		this((name) -> extensions, extensionComments, collations, targetExtensions, targetExtensionSchemas,
				targetSchemaOwners, noOwner);
	}

	@Override
	public boolean test(TocEntry entry) {
		return switch (entry.desc()) {
			case "EXTENSION" -> keepsExtension(entry.name());
			case "COMMENT" -> keepsComment(entry.name());
			case "COLLATION" -> this.collations;
			case "SCHEMA" -> !presentSchema(entry);
			default -> true;
		};
	}

	/**
	 * The extension an entry creates or comments on (EXTENSION, COMMENT ON EXTENSION), or
	 * null: the entries the filters' extension sections decide.
	 */
	public static String extensionOf(TocEntry entry) {
		if ("EXTENSION".equals(entry.desc())) {
			return entry.name();
		}
		if ("COMMENT".equals(entry.desc()) && entry.schema() == null && entry.name().startsWith(EXTENSION_COMMENT)) {
			return entry.name().substring(EXTENSION_COMMENT.length());
		}
		return null;
	}

	private boolean presentSchema(TocEntry entry) {
		if (this.targetExtensionSchemas.contains(entry.name())) {
			return true;
		}
		String owner = this.targetSchemaOwners.get(entry.name());
		return owner != null && (this.noOwner || owner.equals(entry.owner()));
	}

	private boolean keepsComment(String tag) {
		if (tag.startsWith(EXTENSION_COMMENT)) {
			return this.extensionComments && keepsExtension(tag.substring(EXTENSION_COMMENT.length()));
		}
		return this.collations || !tag.startsWith("COLLATION ");
	}

	private boolean keepsExtension(String name) {
		return this.extensions.test(name) && !this.targetExtensions.contains(name);
	}

}

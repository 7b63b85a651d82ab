package io.pgcopydb.filter;

/**
 * Why a filter leaves an object out by its name: the entry that matched it, an
 * include-only section that does not list it, or a command-line option.
 *
 * @param section the section that decided, or null for an option
 * @param entry the matching entry, or null when an include-only section does not list the
 * object, or for an option
 * @param option the option that decided ({@code --skip-extensions}), else null
 */
public record Verdict(Section section, FilterEntry entry, String option) {

	/**
	 * {@code [exclude-table] public.foo (line 7)}, {@code not listed in
	 * [include-only-table]}, or {@code --skip-extensions}.
	 */
	public String describe() {
		if (this.option != null) {
			return this.option;
		}
		return (this.entry != null) ? this.entry.describe() : "not listed in [" + this.section.title() + "]";
	}

}

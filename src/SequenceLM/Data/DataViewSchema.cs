using System.Collections;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// The columns of an <see cref="IDataView"/> or <see cref="DataViewRow"/>: an ordered list of
/// (name, index, type, annotations). Column names are unique; build a schema with <see cref="Builder"/>.
/// </summary>
public sealed partial class DataViewSchema : IReadOnlyList<DataViewSchema.Column>
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _byName;

    private DataViewSchema(Column[] columns)
    {
        _columns = columns;
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Length; i++) _byName[columns[i].Name] = i;
    }

    /// <summary>A schema with no columns.</summary>
    public static DataViewSchema Empty { get; } = new(Array.Empty<Column>());

    /// <summary>The number of columns.</summary>
    public int Count => _columns.Length;

    /// <summary>The column at <paramref name="index"/>.</summary>
    public Column this[int index] => _columns[index];

    /// <summary>The column named <paramref name="name"/>.</summary>
    /// <exception cref="SchemaMismatchException">No column has that name (the message lists the columns that exist).</exception>
    public Column this[string name] =>
        GetColumnOrNull(name) ?? throw SchemaMismatchException.Missing(name, "any type", this);

    /// <summary>Returns the column named <paramref name="name"/>, or null when there is none.</summary>
    public Column? GetColumnOrNull(string name) =>
        name != null && _byName.TryGetValue(name, out int i) ? _columns[i] : null;

    /// <summary>Creates a schema from detached columns (later columns with the same name replace earlier ones).</summary>
    public static DataViewSchema Create(IEnumerable<DetachedColumn> columns)
    {
        var b = new Builder();
        foreach (var c in columns) b.AddColumn(c.Name, c.Type, c.Annotations);
        return b.ToSchema();
    }

    /// <inheritdoc />
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Lists the columns as <c>Name: Type</c>, for messages.</summary>
    public override string ToString() =>
        _columns.Length == 0 ? "(no columns)" : string.Join(", ", _columns.Select(c => $"{c.Name}: {c.Type}"));

    /// <summary>One column of a schema.</summary>
    public readonly struct Column
    {
        internal Column(string name, int index, DataViewType type, Annotations annotations)
        {
            Name = name;
            Index = index;
            Type = type;
            Annotations = annotations;
        }

        /// <summary>The column's name.</summary>
        public string Name { get; }

        /// <summary>The column's position in its schema.</summary>
        public int Index { get; }

        /// <summary>The column's type.</summary>
        public DataViewType Type { get; }

        /// <summary>Extra information about the column (for example <see cref="AnnotationKinds.KeyValues"/>).</summary>
        public Annotations Annotations { get; }

        /// <inheritdoc />
        public override string ToString() => $"{Name} ({Index}): {Type}";
    }

    /// <summary>A column description not attached to a schema (no index); used to declare output columns.</summary>
    public readonly struct DetachedColumn
    {
        /// <summary>Creates a detached column.</summary>
        public DetachedColumn(string name, DataViewType type, Annotations? annotations = null)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Type = type ?? throw new ArgumentNullException(nameof(type));
            Annotations = annotations ?? Annotations.Empty;
        }

        /// <summary>Detaches a schema column (keeps its name, type and annotations).</summary>
        public DetachedColumn(Column column) : this(column.Name, column.Type, column.Annotations) { }

        /// <summary>The column's name.</summary>
        public string Name { get; }

        /// <summary>The column's type.</summary>
        public DataViewType Type { get; }

        /// <summary>The column's annotations.</summary>
        public Annotations Annotations { get; }
    }

    /// <summary>Builds a <see cref="DataViewSchema"/>. Adding a name that exists replaces that column in place.</summary>
    public sealed class Builder
    {
        private readonly List<(string Name, DataViewType Type, Annotations Annotations)> _columns = new();

        /// <summary>Adds (or replaces) a column.</summary>
        public Builder AddColumn(string name, DataViewType type, Annotations? annotations = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(type);
            var entry = (name, type, annotations ?? Annotations.Empty);
            int existing = _columns.FindIndex(c => c.Name == name);
            if (existing >= 0) _columns[existing] = entry; else _columns.Add(entry);
            return this;
        }

        /// <summary>Adds (or replaces) every column of <paramref name="schema"/>.</summary>
        public Builder AddColumns(IEnumerable<Column> schema)
        {
            foreach (var c in schema) AddColumn(c.Name, c.Type, c.Annotations);
            return this;
        }

        /// <summary>Creates the schema.</summary>
        public DataViewSchema ToSchema()
        {
            var cols = new Column[_columns.Count];
            for (int i = 0; i < cols.Length; i++) cols[i] = new Column(_columns[i].Name, i, _columns[i].Type, _columns[i].Annotations);
            return new DataViewSchema(cols);
        }
    }

    /// <summary>
    /// A column's annotations: named values (kinds) each with a type, for example the vocabulary of a key column
    /// under <see cref="AnnotationKinds.KeyValues"/>. Immutable; create with <see cref="Builder"/>.
    /// </summary>
    public sealed class Annotations
    {
        private readonly Dictionary<string, (DataViewType Type, object Value)> _values;

        private Annotations(Dictionary<string, (DataViewType, object)> values) => _values = values;

        /// <summary>No annotations.</summary>
        public static Annotations Empty { get; } = new(new Dictionary<string, (DataViewType, object)>());

        /// <summary>The annotation kinds present.</summary>
        public IReadOnlyCollection<string> Kinds => _values.Keys;

        /// <summary>True when an annotation of <paramref name="kind"/> is present.</summary>
        public bool Contains(string kind) => _values.ContainsKey(kind);

        /// <summary>The declared type of the annotation <paramref name="kind"/>, or null.</summary>
        public DataViewType? GetAnnotationType(string kind) => _values.TryGetValue(kind, out var v) ? v.Type : null;

        /// <summary>Returns the annotation's value when it is present and of type <typeparamref name="T"/>.</summary>
        public bool TryGetValue<T>(string kind, out T value)
        {
            if (_values.TryGetValue(kind, out var v) && v.Value is T t) { value = t; return true; }
            value = default!;
            return false;
        }

        /// <summary>Returns the annotation's value.</summary>
        /// <exception cref="KeyNotFoundException">The annotation is absent or not of type <typeparamref name="T"/>.</exception>
        public T GetValue<T>(string kind) => TryGetValue(kind, out T value) ? value
            : throw new KeyNotFoundException($"No annotation '{kind}' of type {typeof(T).Name}; present: [{string.Join(", ", Kinds)}].");

        /// <summary>Builds <see cref="Annotations"/>.</summary>
        public sealed class Builder
        {
            private readonly Dictionary<string, (DataViewType, object)> _values = new(StringComparer.Ordinal);

            /// <summary>Adds (or replaces) an annotation.</summary>
            public Builder Add<T>(string kind, DataViewType type, T value) where T : notnull
            {
                ArgumentException.ThrowIfNullOrEmpty(kind);
                _values[kind] = (type ?? throw new ArgumentNullException(nameof(type)), value);
                return this;
            }

            /// <summary>Creates the annotations.</summary>
            public Annotations ToAnnotations() => _values.Count == 0 ? Empty : new Annotations(new(_values, StringComparer.Ordinal));
        }
    }
}

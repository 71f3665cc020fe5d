import { Loaded, PageTitle, Section } from '../ui/page';
import { DataTable } from '../ui/table';
import { MermaidDiagram } from './mermaid-diagram';
import { useWorkflow, type WorkflowTransition } from './workflow';
import { ROLE_LABELS } from '../auth/me';

export default function WorkflowPage() {
  const workflow = useWorkflow();
  return (
    <>
      <PageTitle title="審議の流れ">審議の流れ（取組提案）</PageTitle>
      <Loaded query={workflow}>
        {(w) => {
          const labels: Record<string, string> = Object.fromEntries(
            w.definition.states.map((s: { name: string; label: { ja: string } }) => [s.name, s.label.ja]),
          );
          return (
            <div className="flex flex-col gap-6">
              <Section id="diagram" title={`状態遷移図（第${w.version}版）`}>
                <MermaidDiagram text={w.mermaid} title="取組提案の状態遷移図" />
              </Section>
              <Section id="steps" title="操作と担当">
                <DataTable<WorkflowTransition>
                  caption="どの状態で、誰が、何をできるか"
                  rows={w.definition.transitions}
                  rowKey={(t) => `${t.action}:${t.from.join(',')}`}
                  columns={[
                    { header: '操作', cell: (t) => t.label?.ja ?? t.action },
                    { header: '元の状態', cell: (t) => t.from.map((s) => labels[s] ?? s).join('、') },
                    { header: '次の状態', cell: (t) => labels[t.to] ?? t.to },
                    { header: '担当', cell: (t) => t.roles.map((r) => ROLE_LABELS[r] ?? r).join('、') },
                    {
                      header: '必要な入力',
                      cell: (t) =>
                        (t.requires ?? []).length
                          ? (t.requires ?? [])
                              .map((r) =>
                                r === 'comment' ? 'コメント' : r === 'targetProposalId' ? '統合先の提案' : r,
                              )
                              .join('、')
                          : '—',
                    },
                  ]}
                />
              </Section>
            </div>
          );
        }}
      </Loaded>
    </>
  );
}

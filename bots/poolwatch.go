package bots

import (
	"context"

	"go.uber.org/zap"
)

// watch relaunches br as soon as its process exits, unless it was closed
// on purpose (recycling, Stop) or has been replaced already. Without it a
// crashed browser was found only by the worker's next session: a worker
// whose run was retried elsewhere kept no browser until its next task.
func (p *Pool) watch(br *browserProc) {
	p.watchers.Add(1)
	go func() {
		defer p.watchers.Done()
		select {
		case <-br.exited:
		case <-p.stopping:
			return
		}
		if br.closed.Load() || p.lockGate(context.Background()) != nil {
			return
		}
		defer p.unlockGate()
		p.mu.Lock()
		current := p.br == br
		p.mu.Unlock()
		if !current || br.closed.Load() || p.isStopping() {
			return
		}
		p.log.Warn("chromium exited, relaunching", zap.Int("pid", br.pid))
		if err := p.replace(context.Background(), br, "crash"); err != nil {
			// The next session tries again (acquire finds no browser).
			p.log.Error("relaunching chromium", zap.Error(err))
		}
	}()
}
